/**
 * Payloads and JVM figures shared by every benchmark target, so that all of them send the same bytes.
 */
@NullMarked
package dev.hyperlane.benchmark;

import org.jspecify.annotations.NullMarked;
