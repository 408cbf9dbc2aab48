package dev.hyperlane.samples.ecommerce.checkout;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import dev.hyperlane.samples.ecommerce.catalog.Catalog;
import dev.hyperlane.samples.ecommerce.catalog.ProductRepository;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.server.ResponseStatusException;

/**
 * Places and pays orders. Placing reserves the stock and writes the order as {@code PENDING} in one transaction,
 * before payments is called, so an order is never lost. Paying calls payments with the order's fixed
 * Idempotency-Key ({@code order-<id>}) and records the answer: {@code PAID}, or {@code DECLINED} with the stock
 * put back. When payments cannot be reached or fails, the order stays {@code PENDING}; paying it again (the
 * caller through {@code POST /orders/{id}/payment}, or {@link PendingOrderRetry}) sends the same key, so payments
 * authorizes it at most once.
 */
@Service
public class Orders {

	private static final Log logger = LogFactory.getLog(Orders.class);

	private final OrderStore store;

	private final Catalog catalog;

	private final ProductRepository products;

	private final PaymentsClient payments;

	private final TransactionalOperator transactions;

	private final Clock clock = Clock.systemUTC();

	Orders(OrderStore store, Catalog catalog, ProductRepository products, PaymentsClient payments,
			TransactionalOperator transactions) {
		this.store = store;
		this.catalog = catalog;
		this.products = products;
		this.payments = payments;
		this.transactions = transactions;
	}

	/**
	 * Reserve the stock, store the order, then pay it.
	 * @param request the items
	 * @return the order after the payment attempt; errors are {@link ResponseStatusException}s with 404 (unknown
	 * product), 409 (too few units in stock) or 400 (products in several currencies), before anything is stored
	 */
	public Mono<Attempt> place(OrderRequest request) {
		UUID id = UUID.randomUUID();
		Instant now = now();
		Mono<Order> stored = Flux.fromIterable(request.items())
			.concatMap((item) -> this.catalog.reserve(item.productId(), item.quantity())
				.switchIfEmpty(Mono.defer(() -> notReserved(item)))
				.map((product) -> new Reserved(new OrderLine(item.productId(), item.quantity(), product.price()),
						product.currency())))
			.collectList()
			.flatMap((reserved) -> {
				Set<String> currencies = reserved.stream().map(Reserved::currency).collect(Collectors.toSet());
				if (currencies.size() != 1) {
					return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
							"an order's products must share one currency, not " + currencies));
				}
				List<OrderLine> lines = reserved.stream().map(Reserved::line).toList();
				BigDecimal total = lines.stream()
					.map((line) -> line.unitPrice().multiply(BigDecimal.valueOf(line.quantity())))
					.reduce(BigDecimal.ZERO, BigDecimal::add);
				return this.store.insert(new Order(id, OrderStatus.PENDING, lines, total, currencies.iterator().next(),
						"order-" + id, null, null, now, now));
			})
			.as(this.transactions::transactional);
		return stored.flatMap((order) -> this.catalog.evict(productIds(order)).thenReturn(order)).flatMap(this::pay);
	}

	/**
	 * Pay a pending order again; any other order is answered as it is.
	 * @param id the order
	 * @return the order after the attempt, or empty when there is no such order
	 */
	public Mono<Attempt> pay(UUID id) {
		return this.store.find(id)
			.flatMap((order) -> (order.status() == OrderStatus.PENDING) ? pay(order)
					: Mono.just(new Attempt(order, null)));
	}

	/**
	 * An order.
	 * @param id the order
	 * @return the order, or empty
	 */
	public Mono<Order> find(UUID id) {
		return this.store.find(id);
	}

	/**
	 * Ask payments again for the pending orders last changed before a time.
	 * @param before the time
	 * @param limit most orders
	 * @return how many orders left {@code PENDING}
	 */
	public Mono<Long> retryPending(Instant before, int limit) {
		return this.store.pendingSince(before, limit)
			.concatMap(this::pay)
			.filter((attempt) -> attempt.order().status() != OrderStatus.PENDING)
			.count();
	}

	private Mono<Attempt> pay(Order order) {
		return this.payments
			.authorize(order.paymentKey(), order.total(), order.currency(), order.id().toString())
			.flatMap((answer) -> record(order, answer))
			.onErrorResume((ex) -> {
				logger.warn("Order " + order.id() + " stays PENDING: payments failed: " + ex);
				return Mono.just(new Attempt(order, "payments did not authorize the order: " + ex.getMessage()));
			});
	}

	private Mono<Attempt> record(Order order, PaymentAnswer answer) {
		OrderStatus status = "AUTHORIZED".equals(answer.status()) ? OrderStatus.PAID : OrderStatus.DECLINED;
		Mono<Boolean> recorded = this.store.complete(order.id(), status, answer.id(), answer.instance(), now())
			.flatMap((changed) -> (changed && status == OrderStatus.DECLINED) ? restock(order).thenReturn(true)
					: Mono.just(changed))
			.as(this.transactions::transactional);
		Mono<Void> evicted = (status == OrderStatus.DECLINED) ? this.catalog.evict(productIds(order)) : Mono.empty();
		return recorded.then(evicted).then(this.store.find(order.id())).map((stored) -> {
			logger.info("Order " + stored.id() + " " + stored.status() + " by payments instance " + answer.instance());
			return new Attempt(stored, null);
		});
	}

	private Mono<Void> restock(Order order) {
		return Flux.fromIterable(order.lines())
			.concatMap((line) -> this.catalog.release(line.productId(), line.quantity()))
			.then();
	}

	private <T> Mono<T> notReserved(OrderRequest.Item item) {
		return this.products.existsById(item.productId())
			.flatMap((exists) -> Mono.error(exists
					? new ResponseStatusException(HttpStatus.CONFLICT,
							"product " + item.productId() + " has fewer than " + item.quantity() + " units in stock")
					: new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + item.productId())));
	}

	private static Set<Long> productIds(Order order) {
		return order.lines().stream().map(OrderLine::productId).collect(Collectors.toSet());
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	/**
	 * An order after an attempt to pay it.
	 *
	 * @param order the order as stored
	 * @param failure why it is still {@code PENDING}, when payments could not be reached or failed
	 */
	public record Attempt(Order order, @Nullable String failure) {

	}

	private record Reserved(OrderLine line, String currency) {

	}

}
