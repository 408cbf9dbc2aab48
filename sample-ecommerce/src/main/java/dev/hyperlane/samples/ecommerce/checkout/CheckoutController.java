package dev.hyperlane.samples.ecommerce.checkout;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClientException;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /checkout/payments-status}: whether the payments service answers, and which instance the load
 * balancer chose; 503 when it cannot be reached.
 */
@RestController
class CheckoutController {

	private final PaymentsClient payments;

	CheckoutController(PaymentsClient payments) {
		this.payments = payments;
	}

	@GetMapping("/checkout/payments-status")
	Mono<Map<String, Object>> paymentsStatus() {
		return this.payments.ping()
			.map((answer) -> Map.<String, Object>of("payments", answer))
			.onErrorMap(WebClientException.class,
					(ex) -> new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
							"payments service unreachable: " + ex.getMostSpecificCause().getMessage(), ex));
	}

}
