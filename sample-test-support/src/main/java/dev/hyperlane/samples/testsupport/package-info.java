/**
 * PostgreSQL and Redis for the samples' tests.
 */
@NullMarked
package dev.hyperlane.samples.testsupport;

import org.jspecify.annotations.NullMarked;
