/**
 * Payments: the HTTP API, idempotent authorization and storage.
 */
@NullMarked
package dev.hyperlane.samples.payments.payment;

import org.jspecify.annotations.NullMarked;
