/**
 * Observability: Reactor Netty's server and client meters with URI tags from route templates and a cap on their
 * values, pool, allocator, event-loop, load-balancer and retry meters, tracing defaults and connection-level spans.
 */
@NullMarked
package dev.hyperlane.boot.observability;

import org.jspecify.annotations.NullMarked;
