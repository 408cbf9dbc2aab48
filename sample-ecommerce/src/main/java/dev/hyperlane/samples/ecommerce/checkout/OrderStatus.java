package dev.hyperlane.samples.ecommerce.checkout;

/**
 * Where an order stands.
 */
public enum OrderStatus {

	/**
	 * Stock reserved, payment not confirmed: payments was not reached or has not answered yet. Paying it again
	 * sends the same Idempotency-Key, so it is charged at most once.
	 */
	PENDING,

	/**
	 * Payments authorized the order's payment.
	 */
	PAID,

	/**
	 * Payments declined the payment; the stock was put back.
	 */
	DECLINED

}
