/**
 * The simulated acquirer that authorizes payments.
 */
@NullMarked
package dev.hyperlane.samples.payments.acquirer;

import org.jspecify.annotations.NullMarked;
