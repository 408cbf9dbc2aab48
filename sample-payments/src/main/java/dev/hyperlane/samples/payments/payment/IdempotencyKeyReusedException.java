package dev.hyperlane.samples.payments.payment;

/**
 * An {@code Idempotency-Key} came back with a different request (amount, currency or order): answered with 422.
 */
class IdempotencyKeyReusedException extends RuntimeException {

	IdempotencyKeyReusedException(String key) {
		super("Idempotency-Key '" + key + "' was already used for a different payment request");
	}

}
