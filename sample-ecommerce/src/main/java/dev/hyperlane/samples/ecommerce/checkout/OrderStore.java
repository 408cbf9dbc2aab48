package dev.hyperlane.samples.ecommerce.checkout;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;

/**
 * The {@code customer_order} and {@code order_line} tables through R2DBC's {@link DatabaseClient}. A status only
 * moves away from {@code PENDING}, through a conditional update, so two attempts that race to record a payment
 * answer never both count.
 */
@Repository
class OrderStore {

	private static final String COLUMNS = "id, status, total, currency, payment_key, payment_id, payment_instance, "
			+ "created_at, updated_at";

	private final DatabaseClient database;

	OrderStore(DatabaseClient database) {
		this.database = database;
	}

	Mono<Order> insert(Order order) {
		Mono<Long> header = this.database.sql("INSERT INTO customer_order (" + COLUMNS + ") VALUES (:id, :status, "
				+ ":total, :currency, :key, NULL, NULL, :created, :updated)")
			.bind("id", order.id())
			.bind("status", order.status().name())
			.bind("total", order.total())
			.bind("currency", order.currency())
			.bind("key", order.paymentKey())
			.bind("created", timestamp(order.createdAt()))
			.bind("updated", timestamp(order.updatedAt()))
			.fetch()
			.rowsUpdated();
		Flux<Long> lines = Flux.range(0, order.lines().size()).concatMap((index) -> {
			OrderLine line = order.lines().get(index);
			return this.database.sql("INSERT INTO order_line (order_id, line, product_id, quantity, unit_price) "
					+ "VALUES (:order, :line, :product, :quantity, :price)")
				.bind("order", order.id())
				.bind("line", index + 1)
				.bind("product", line.productId())
				.bind("quantity", line.quantity())
				.bind("price", line.unitPrice())
				.fetch()
				.rowsUpdated();
		});
		return header.thenMany(lines).then(Mono.just(order));
	}

	Mono<Order> find(UUID id) {
		return this.database.sql("SELECT " + COLUMNS + " FROM customer_order WHERE id = :id")
			.bind("id", id)
			.map(OrderStore::order)
			.one()
			.flatMap((order) -> this.database
				.sql("SELECT product_id, quantity, unit_price FROM order_line WHERE order_id = :id ORDER BY line")
				.bind("id", id)
				.map((row) -> new OrderLine(row.get("product_id", Long.class), row.get("quantity", Integer.class),
						row.get("unit_price", BigDecimal.class)))
				.all()
				.collectList()
				.map(order::withLines));
	}

	/**
	 * Record payments' answer on a pending order.
	 * @return {@code true} when the order was still {@code PENDING}
	 */
	Mono<Boolean> complete(UUID id, OrderStatus status, UUID paymentId, String paymentInstance, Instant now) {
		return this.database.sql("UPDATE customer_order SET status = :status, payment_id = :payment, "
				+ "payment_instance = :instance, updated_at = :now WHERE id = :id AND status = 'PENDING'")
			.bind("status", status.name())
			.bind("payment", paymentId)
			.bind("instance", Parameter.from(paymentInstance))
			.bind("now", timestamp(now))
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/**
	 * Pending orders last changed before a time, oldest first.
	 */
	Flux<UUID> pendingSince(Instant before, int limit) {
		return this.database
			.sql("SELECT id FROM customer_order WHERE status = 'PENDING' AND updated_at < :before "
					+ "ORDER BY updated_at LIMIT " + limit)
			.bind("before", timestamp(before))
			.map((row) -> row.get("id", UUID.class))
			.all();
	}

	private static OffsetDateTime timestamp(Instant instant) {
		return instant.atOffset(ZoneOffset.UTC);
	}

	private static Order order(Readable row) {
		return new Order(row.get("id", UUID.class), OrderStatus.valueOf(row.get("status", String.class)), List.of(),
				row.get("total", BigDecimal.class), row.get("currency", String.class).trim(),
				row.get("payment_key", String.class), row.get("payment_id", UUID.class),
				row.get("payment_instance", String.class), row.get("created_at", OffsetDateTime.class).toInstant(),
				row.get("updated_at", OffsetDateTime.class).toInstant());
	}

}
