package dev.hyperlane.samples.ecommerce.checkout;

import java.net.URI;
import java.util.UUID;

import jakarta.validation.Valid;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /orders} places and pays an order: 201 with the {@code PAID} order; 402 problem detail when
 * payments declined it; 503 problem detail with {@code Retry-After} when payments could not be reached or failed,
 * the order being kept as {@code PENDING} (its id in {@code orderId} and in {@code Location}). {@code POST
 * /orders/{id}/payment} pays a pending order again (same answers, 200 instead of 201) and answers any other order
 * as it is; {@code GET /orders/{id}} reads one. Unknown products are 404, too few units in stock 409, an invalid
 * body 400, all as RFC 9457 problem details.
 */
@RestController
class OrderController {

	private final Orders orders;

	OrderController(Orders orders) {
		this.orders = orders;
	}

	@PostMapping("/orders")
	Mono<ResponseEntity<Object>> place(@Valid @RequestBody OrderRequest request) {
		return this.orders.place(request).map((attempt) -> answer(attempt, HttpStatus.CREATED));
	}

	@PostMapping("/orders/{id}/payment")
	Mono<ResponseEntity<Object>> pay(@PathVariable UUID id) {
		return this.orders.pay(id)
			.map((attempt) -> answer(attempt, HttpStatus.OK))
			.switchIfEmpty(OrderController.notFound(id));
	}

	@GetMapping("/orders/{id}")
	Mono<Order> get(@PathVariable UUID id) {
		return this.orders.find(id).switchIfEmpty(notFound(id));
	}

	private static ResponseEntity<Object> answer(Orders.Attempt attempt, HttpStatus paid) {
		Order order = attempt.order();
		URI location = URI.create("/orders/" + order.id());
		return switch (order.status()) {
			case PAID -> ResponseEntity.status(paid).location(location).body((Object) order);
			case DECLINED -> ResponseEntity.status(HttpStatus.PAYMENT_REQUIRED)
				.location(location)
				.body(problem(HttpStatus.PAYMENT_REQUIRED, "Payment declined", "payments declined order " + order.id()
						+ "; its stock was put back", order));
			case PENDING -> ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
				.location(location)
				.header("Retry-After", "5")
				.body(problem(HttpStatus.SERVICE_UNAVAILABLE, "Payment pending",
						"order " + order.id() + " is kept as PENDING (" + attempt.failure() + "); it is charged at "
								+ "most once: retry with POST /orders/" + order.id() + "/payment",
						order));
		};
	}

	private static ProblemDetail problem(HttpStatus status, String title, String detail, Order order) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		problem.setProperty("orderId", order.id());
		problem.setProperty("orderStatus", order.status());
		return problem;
	}

	private static <T> Mono<T> notFound(UUID id) {
		return Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no order " + id));
	}

}
