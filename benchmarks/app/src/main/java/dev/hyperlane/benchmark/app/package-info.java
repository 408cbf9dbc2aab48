/**
 * The WebFlux application measured as {@code vanilla} (plain Spring Boot) and as {@code hyperlane} (the same
 * classes with the starter added).
 */
@NullMarked
package dev.hyperlane.benchmark.app;

import org.jspecify.annotations.NullMarked;
