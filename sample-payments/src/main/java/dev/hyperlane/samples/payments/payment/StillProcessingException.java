package dev.hyperlane.samples.payments.payment;

/**
 * The first request for an {@code Idempotency-Key} is still with the acquirer after the wait: answered with 409
 * and {@code Retry-After}.
 */
class StillProcessingException extends RuntimeException {

	StillProcessingException(String key) {
		super("a payment for Idempotency-Key '" + key + "' is still being authorized; retry with the same key");
	}

}
