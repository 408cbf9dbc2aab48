package dev.hyperlane.samples.ecommerce.checkout;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An order as stored and as answered.
 *
 * @param id the identifier
 * @param status where it stands
 * @param lines what was ordered
 * @param total the sum of the lines
 * @param currency the ISO 4217 code of every line
 * @param paymentKey the Idempotency-Key its payment is requested with: {@code order-} and the order id
 * @param paymentId the payment, once payments answered
 * @param paymentInstance the payments instance that asked the acquirer, once payments answered
 * @param createdAt when it was placed
 * @param updatedAt when its status last changed
 */
public record Order(UUID id, OrderStatus status, List<OrderLine> lines, BigDecimal total, String currency,
		String paymentKey, @Nullable UUID paymentId, @Nullable String paymentInstance, Instant createdAt,
		Instant updatedAt) {

	Order withLines(List<OrderLine> lines) {
		return new Order(this.id, this.status, lines, this.total, this.currency, this.paymentKey, this.paymentId,
				this.paymentInstance, this.createdAt, this.updatedAt);
	}

}
