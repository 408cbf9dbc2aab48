/**
 * The service registry of the demo and the churn tests: a Eureka server.
 */
@NullMarked
package dev.hyperlane.samples.registry;

import org.jspecify.annotations.NullMarked;
