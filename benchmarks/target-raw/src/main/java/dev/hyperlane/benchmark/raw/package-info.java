/**
 * The {@code raw} benchmark target: a bare Reactor Netty server, the floor of framework overhead.
 */
@NullMarked
package dev.hyperlane.benchmark.raw;

import org.jspecify.annotations.NullMarked;
