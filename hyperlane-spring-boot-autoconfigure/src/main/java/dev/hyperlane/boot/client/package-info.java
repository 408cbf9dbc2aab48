/**
 * Tuned Reactor Netty clients: a connection pool per downstream service, timeouts, eviction before the peer's
 * advertised keep-alive timeout, and safe retries within a retry budget, for every {@code WebClient}.
 */
@NullMarked
package dev.hyperlane.boot.client;

import org.jspecify.annotations.NullMarked;
