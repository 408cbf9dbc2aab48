/**
 * Tuning of Spring Boot's Reactor Netty web server: socket options, HTTP/1.1 decoder limits, timeouts,
 * keep-alive, compression, HTTP/2 and connection limits.
 */
@NullMarked
package dev.hyperlane.boot.server;

import org.jspecify.annotations.NullMarked;
