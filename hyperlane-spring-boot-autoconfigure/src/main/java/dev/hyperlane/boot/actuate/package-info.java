/**
 * The {@code hyperlane} actuator endpoint: effective settings with their source, live statistics and advice.
 */
@NullMarked
package dev.hyperlane.boot.actuate;

import org.jspecify.annotations.NullMarked;
