package dev.hyperlane.samples.payments.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.jspecify.annotations.Nullable;

/**
 * A payment as stored and as answered.
 *
 * @param id the identifier
 * @param idempotencyKey the caller's {@code Idempotency-Key}, unique
 * @param requestFingerprint the SHA-256 of the request that created it (not shown)
 * @param orderReference the caller's order
 * @param amount the amount
 * @param currency the ISO 4217 code
 * @param status where it stands
 * @param authorizationCode the acquirer's code when authorized
 * @param declineReason the acquirer's reason when declined
 * @param instance the payments instance that asked the acquirer
 * @param createdAt when the first request arrived
 * @param updatedAt when the status last changed
 */
public record Payment(UUID id, String idempotencyKey, @JsonIgnore String requestFingerprint, String orderReference,
		BigDecimal amount, String currency, PaymentStatus status, @Nullable String authorizationCode,
		@Nullable String declineReason, String instance, Instant createdAt, Instant updatedAt) {

}
