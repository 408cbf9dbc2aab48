/**
 * The payments sample application.
 */
@NullMarked
package dev.hyperlane.samples.payments;

import org.jspecify.annotations.NullMarked;
