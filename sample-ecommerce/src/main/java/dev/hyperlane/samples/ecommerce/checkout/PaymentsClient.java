package dev.hyperlane.samples.ecommerce.checkout;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Calls the payments service with a {@code WebClient} built from Spring Boot's {@code WebClient.Builder}, which
 * the Hyperlane starter has tuned: its own connection pool, timeouts and safe retries, visible at
 * {@code /actuator/hyperlane/clients}.
 */
@Component
class PaymentsClient {

	private static final ParameterizedTypeReference<Map<String, Object>> JSON_OBJECT = new ParameterizedTypeReference<>() {
	};

	private final WebClient client;

	PaymentsClient(WebClient.Builder builder, @Value("${payments.base-url:http://localhost:8081}") String baseUrl) {
		this.client = builder.baseUrl(baseUrl).build();
	}

	Mono<Map<String, Object>> ping() {
		return this.client.get().uri("/payments/ping").retrieve().bodyToMono(JSON_OBJECT);
	}

}
