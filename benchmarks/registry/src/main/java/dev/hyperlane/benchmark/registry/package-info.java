/**
 * The registry-scale benchmark: many instances and services behind the starter's balancer (choice time per call,
 * memory per instance, endpoint size) and membership churn that must leave nothing behind.
 */
@NullMarked
package dev.hyperlane.benchmark.registry;

import org.jspecify.annotations.NullMarked;
