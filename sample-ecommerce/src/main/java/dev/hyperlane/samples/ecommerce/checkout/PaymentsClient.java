package dev.hyperlane.samples.ecommerce.checkout;

import java.math.BigDecimal;
import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Calls the payments service as {@code http://payments/...} through the {@code @LoadBalanced}
 * {@code WebClient.Builder} of {@link CheckoutConfiguration}: Spring Cloud LoadBalancer picks an instance with
 * the Hyperlane starter's balancer (peak EWMA by default) and the request runs on the payments service's own
 * connection pool ({@code hyperlane.client.services.payments.*}). Both are visible at
 * {@code /actuator/hyperlane/loadbalancers} and {@code /actuator/hyperlane/clients}. Authorizations carry an
 * {@code Idempotency-Key}, which is also what makes the client count them as safe to send again.
 */
@Component
class PaymentsClient {

	static final String SERVICE_URL = "http://payments";

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT =
			new ParameterizedTypeReference<>() {
			};

	private final WebClient client;

	PaymentsClient(WebClient.Builder loadBalanced) {
		this.client = loadBalanced.baseUrl(SERVICE_URL).build();
	}

	Mono<Map<String, Object>> ping() {
		return this.client.get().uri("/payments/ping").retrieve().bodyToMono(JSON_OBJECT);
	}

	/**
	 * Ask payments to authorize an order's payment.
	 * @param idempotencyKey the key, the same on every attempt for one order
	 * @param amount the amount
	 * @param currency the ISO 4217 code
	 * @param orderReference the order
	 * @return the answer; an error for anything but a 2xx answer
	 */
	Mono<PaymentAnswer> authorize(String idempotencyKey, BigDecimal amount, String currency, String orderReference) {
		return this.client.post()
			.uri("/payments")
			.header("Idempotency-Key", idempotencyKey)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("amount", amount, "currency", currency, "orderReference", orderReference))
			.retrieve()
			.bodyToMono(PaymentAnswer.class);
	}

}
