package dev.hyperlane.samples.payments;

import java.util.Map;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /payments/ping}: names the instance that answered.
 */
@RestController
class PingController {

	private final String instance;

	PingController(@Value("${payments.instance-id:${spring.application.name}}") String instance) {
		this.instance = instance;
	}

	@GetMapping("/payments/ping")
	Mono<Map<String, String>> ping() {
		return Mono.just(Map.of("instance", this.instance, "status", "up"));
	}

}
