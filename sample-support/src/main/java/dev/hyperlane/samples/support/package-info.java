/**
 * What both sample services run the same way: their embedded H2 database's work kept off the event loops.
 */
@NullMarked
package dev.hyperlane.samples.support;

import org.jspecify.annotations.NullMarked;
