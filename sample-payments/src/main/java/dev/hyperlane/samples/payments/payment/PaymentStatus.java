package dev.hyperlane.samples.payments.payment;

/**
 * Where a payment stands.
 */
public enum PaymentStatus {

	/**
	 * The acquirer is being asked; duplicates wait for the answer.
	 */
	PROCESSING,

	/**
	 * The acquirer approved the payment.
	 */
	AUTHORIZED,

	/**
	 * The acquirer declined the payment.
	 */
	DECLINED

}
