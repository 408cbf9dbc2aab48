/**
 * Hyperlane's public types shared by every concern: effective settings and where they came from.
 */
@NullMarked
package dev.hyperlane.boot;

import org.jspecify.annotations.NullMarked;
