/**
 * The one retry policy of every client call: failure classification on exception types, replay safety and the
 * retry budget, shared by the HTTP client's retry on a fresh connection and the load balancer's retry on another
 * instance.
 */
@NullMarked
package dev.hyperlane.boot.retry;

import org.jspecify.annotations.NullMarked;
