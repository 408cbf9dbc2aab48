/**
 * What the process runs inside: CPUs, container CPU quota and memory limit, heap, direct memory and GC.
 */
@NullMarked
package dev.hyperlane.boot.runtime;

import org.jspecify.annotations.NullMarked;
