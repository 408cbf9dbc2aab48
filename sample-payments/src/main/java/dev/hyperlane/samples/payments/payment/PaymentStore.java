package dev.hyperlane.samples.payments.payment;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

/**
 * The {@code payment} table through R2DBC's {@link DatabaseClient}. Every change is one conditional statement,
 * so two instances that race on the same row never both win: the unique constraint on
 * {@code idempotency_key} decides who asks the acquirer, and completions and take-overs only apply to a row
 * still {@code PROCESSING}.
 */
@Repository
class PaymentStore {

	private static final String COLUMNS = "id, idempotency_key, request_fingerprint, order_reference, amount, "
			+ "currency, status, authorization_code, decline_reason, instance, created_at, updated_at";

	private final DatabaseClient database;

	PaymentStore(DatabaseClient database) {
		this.database = database;
	}

	/**
	 * Insert a new {@code PROCESSING} payment.
	 * @param payment the payment
	 * @return {@code true} when inserted, {@code false} when its idempotency key already has a row
	 */
	Mono<Boolean> insert(Payment payment) {
		return this.database.sql("INSERT INTO payment (" + COLUMNS + ") VALUES (:id, :key, :fingerprint, :order, "
				+ ":amount, :currency, :status, NULL, NULL, :instance, :created, :updated)")
			.bind("id", payment.id())
			.bind("key", payment.idempotencyKey())
			.bind("fingerprint", payment.requestFingerprint())
			.bind("order", payment.orderReference())
			.bind("amount", payment.amount())
			.bind("currency", payment.currency())
			.bind("status", payment.status().name())
			.bind("instance", payment.instance())
			.bind("created", timestamp(payment.createdAt()))
			.bind("updated", timestamp(payment.updatedAt()))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1)
			.onErrorReturn(DuplicateKeyException.class, false);
	}

	Mono<Payment> findByKey(String idempotencyKey) {
		return this.database.sql("SELECT " + COLUMNS + " FROM payment WHERE idempotency_key = :key")
			.bind("key", idempotencyKey)
			.map(PaymentStore::payment)
			.one();
	}

	Mono<Payment> findById(UUID id) {
		return this.database.sql("SELECT " + COLUMNS + " FROM payment WHERE id = :id")
			.bind("id", id)
			.map(PaymentStore::payment)
			.one();
	}

	/**
	 * Record the acquirer's decision on a payment this instance owns.
	 * @return {@code true} when the row was still {@code PROCESSING} under this owner's time stamp
	 */
	Mono<Boolean> complete(Payment processing, PaymentStatus status, @Nullable String authorizationCode,
			@Nullable String declineReason, Instant now) {
		return this.database.sql("UPDATE payment SET status = :status, authorization_code = :code, "
				+ "decline_reason = :reason, updated_at = :now WHERE id = :id AND status = 'PROCESSING' "
				+ "AND updated_at = :owned")
			.bind("status", status.name())
			.bind("code", nullable(authorizationCode))
			.bind("reason", nullable(declineReason))
			.bind("now", timestamp(now))
			.bind("id", processing.id())
			.bind("owned", timestamp(processing.updatedAt()))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * Delete a payment this instance owns whose authorization failed before the acquirer answered, so the key is
	 * free for a retry.
	 */
	Mono<Boolean> release(Payment processing) {
		return this.database
			.sql("DELETE FROM payment WHERE id = :id AND status = 'PROCESSING' AND updated_at = :owned")
			.bind("id", processing.id())
			.bind("owned", timestamp(processing.updatedAt()))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * Take over a payment left {@code PROCESSING} by an instance that stopped mid-authorization.
	 * @return {@code true} when this caller now owns it (its {@code updated_at} is {@code now})
	 */
	Mono<Boolean> takeOver(Payment stale, String instance, Instant now) {
		return this.database.sql("UPDATE payment SET instance = :instance, updated_at = :now WHERE id = :id "
				+ "AND status = 'PROCESSING' AND updated_at = :seen")
			.bind("instance", instance)
			.bind("now", timestamp(now))
			.bind("id", stale.id())
			.bind("seen", timestamp(stale.updatedAt()))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	private static org.springframework.r2dbc.core.Parameter nullable(@Nullable String value) {
		return org.springframework.r2dbc.core.Parameter.fromOrEmpty(value, String.class);
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static Payment payment(Readable row) {
		return new Payment(row.get("id", UUID.class), row.get("idempotency_key", String.class),
				row.get("request_fingerprint", String.class), row.get("order_reference", String.class),
				row.get("amount", BigDecimal.class), row.get("currency", String.class).trim(),
				PaymentStatus.valueOf(row.get("status", String.class)), row.get("authorization_code", String.class),
				row.get("decline_reason", String.class), row.get("instance", String.class),
				row.get("created_at", OffsetDateTime.class).toInstant(),
				row.get("updated_at", OffsetDateTime.class).toInstant());
	}

}
