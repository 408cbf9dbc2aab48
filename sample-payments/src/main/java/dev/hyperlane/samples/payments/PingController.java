package dev.hyperlane.samples.payments;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /payments/ping}: names the instance that answered.
 */
@RestController
class PingController {

	private final String instance;

	PingController(PaymentsProperties properties) {
		this.instance = properties.getInstanceId();
	}

	@GetMapping("/payments/ping")
	Mono<Map<String, String>> ping() {
		return Mono.just(Map.of("instance", this.instance, "status", "up"));
	}

}
