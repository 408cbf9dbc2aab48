package dev.hyperlane.benchmark.app;

import dev.hyperlane.benchmark.JvmFigures;
import dev.hyperlane.benchmark.Payloads;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.ResponseStatusException;

/**
 * Benchmark endpoints, the same as {@code RawServer}'s:
 * <ul>
 * <li>{@code GET /plaintext}: 13 bytes of text;</li>
 * <li>{@code GET /json}: {@link Payloads#SMALL} (about 1 KB), serialized by Jackson on each request;</li>
 * <li>{@code GET /json/large}: {@link Payloads#LARGE} (about 1 MB);</li>
 * <li>{@code GET /edge/{service}}: one call to {@code http://{service}/work} through the load-balanced client,
 * whose body is passed on;</li>
 * <li>{@code GET /upstream/{name}}: one call through the plain client to the URL in the property
 * {@code bench.upstream.<name>} (404 when it is not set), whose body is passed on;</li>
 * <li>{@code GET /bench/jvm}: {@link JvmFigures}.</li>
 * </ul>
 *
 * @author Hyperlane
 */
@RestController
class BenchmarkController {

	private final WebClient balanced;

	private final WebClient plain;

	private final Environment environment;

	BenchmarkController(@LoadBalanced WebClient.Builder balanced,
			@Qualifier("plainWebClientBuilder") WebClient.Builder plain, Environment environment) {
		this.balanced = balanced.build();
		this.plain = plain.build();
		this.environment = environment;
	}

	@GetMapping(path = "/plaintext", produces = MediaType.TEXT_PLAIN_VALUE)
	String plaintext() {
		return Payloads.PLAINTEXT;
	}

	@GetMapping(path = "/json", produces = MediaType.APPLICATION_JSON_VALUE)
	Payloads.Page json() {
		return Payloads.SMALL;
	}

	@GetMapping(path = "/json/large", produces = MediaType.APPLICATION_JSON_VALUE)
	Payloads.Page large() {
		return Payloads.LARGE;
	}

	@GetMapping(path = "/edge/{service}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<String> edge(@PathVariable String service) {
		return this.balanced.get().uri("http://{service}/work", service).retrieve().bodyToMono(String.class);
	}

	@GetMapping(path = "/upstream/{name}", produces = MediaType.APPLICATION_JSON_VALUE)
	Mono<String> upstream(@PathVariable String name) {
		String url = this.environment.getProperty("bench.upstream." + name);
		if (url == null) {
			return Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND, "no upstream " + name));
		}
		return this.plain.get().uri(url + "/work").retrieve().bodyToMono(String.class);
	}

	@GetMapping(path = "/bench/jvm", produces = MediaType.APPLICATION_JSON_VALUE)
	String jvm() {
		return JvmFigures.json();
	}

}
