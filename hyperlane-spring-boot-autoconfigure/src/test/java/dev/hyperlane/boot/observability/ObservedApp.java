package dev.hyperlane.boot.observability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A real WebFlux application with the whole starter auto-configured (Micrometer with Prometheus, OpenTelemetry
 * tracing, Hyperlane), started on port 0: {@code /items/{id}} answers, {@code /checkout/{id}} calls the
 * {@code payments} service through a {@code @LoadBalanced WebClient} and logs on both sides.
 */
@Configuration(proxyBeanMethods = false)
@Import(LoadBalancedApp.class)
class ObservedApp {

	static final Log storefrontLog = LogFactory.getLog("storefront");

	static final Log paymentsLog = LogFactory.getLog("payments");

	static ConfigurableApplicationContext start(String... properties) {
		return start((context) -> {
		}, properties);
	}

	static ConfigurableApplicationContext start(ApplicationContextInitializer<ConfigurableApplicationContext> initializer,
			String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.reactor.netty.shutdown-quiet-period=0s",
				"management.endpoints.web.exposure.include=prometheus,hyperlane",
				"spring.cloud.loadbalancer.cache.enabled=false"));
		all.addAll(List.of(properties));
		return new SpringApplicationBuilder(ObservedApp.class).web(WebApplicationType.REACTIVE)
			.initializers(initializer)
			.properties(all.toArray(new String[0]))
			.run();
	}

	/**
	 * Start the application with its spans exported to the given in-test exporter.
	 */
	static ConfigurableApplicationContext startExportingTo(InMemorySpanExporter exporter, String... properties) {
		return start((context) -> context.getBeanFactory().registerSingleton("testSpanExporter", exporter),
				properties);
	}

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	static String get(String url) {
		// the JDK's client: it asks for no compression, so the scrape arrives as plain text
		try {
			HttpResponse<String> response = HTTP.send(
					HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
					HttpResponse.BodyHandlers.ofString());
			if (response.statusCode() != 200) {
				throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
			}
			return response.body();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Bean
	@Primary
	WebClient.Builder plainWebClientBuilder() {
		return WebClient.builder();
	}

	@RestController
	static class Endpoints {

		private final WebClient payments;

		Endpoints(@LoadBalanced WebClient.Builder payments) {
			this.payments = payments.build();
		}

		@GetMapping("/items/{id}")
		String item(@PathVariable String id) {
			return "item " + id;
		}

		@GetMapping("/pay/{id}")
		Mono<String> pay(@PathVariable String id) {
			return Mono.fromSupplier(() -> {
				paymentsLog.info("authorizing payment " + id);
				return "paid " + id;
			});
		}

		@GetMapping("/checkout/{id}")
		Mono<String> checkout(@PathVariable String id) {
			storefrontLog.info("checkout " + id + " calls payments");
			return this.payments.get()
				.uri("http://payments/pay/{id}", id)
				.retrieve()
				.bodyToMono(String.class)
				.doOnNext((body) -> storefrontLog.info("checkout " + id + " got '" + body + "'"));
		}

	}

}
