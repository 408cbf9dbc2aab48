package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import org.junit.jupiter.api.Test;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real application with the starter, Spring Boot's actuator and its OpenTelemetry tracing (sampling 1.0): with
 * {@code hyperlane.observability.enabled=false} a request leaves no {@code http.server.requests} timer and no span
 * ({@link RequestObservationsOff}), as in plain WebFlux; Spring Boot's own
 * {@code management.observations.enable.http.server.requests=true} brings both back.
 */
class ObservabilityOffTests {

	private static final String[] PROPERTIES = { "hyperlane.observability.enabled=false",
			"management.tracing.sampling.probability=1.0",
			"management.opentelemetry.tracing.export.schedule-delay=50ms" };

	@Test
	void requestsAreNotObservedWithObservabilityOff() throws InterruptedException {
		InMemorySpanExporter spans = InMemorySpanExporter.create();
		try (ConfigurableApplicationContext context = start(spans)) {
			assertThat(context.getBean(RequestObservationsOff.class).declined())
				.containsExactlyInAnyOrder("http.server.requests", "http.client.requests");
			assertThat(ObservedApp.get("http://127.0.0.1:" + ObservedApp.port(context) + "/items/7")).isEqualTo("item 7");
			Thread.sleep(Duration.ofSeconds(1).toMillis());
			assertThat(context.getBean(MeterRegistry.class).find("http.server.requests").timers()).isEmpty();
			assertThat(spans.getFinishedSpanItems()).isEmpty();
		}
	}

	@Test
	void bootsOwnSwitchForTheServerObservationWins() throws InterruptedException {
		InMemorySpanExporter spans = InMemorySpanExporter.create();
		try (ConfigurableApplicationContext context = start(spans,
				"management.observations.enable.http.server.requests=true")) {
			assertThat(context.getBean(RequestObservationsOff.class).declined())
				.containsExactly("http.client.requests");
			assertThat(ObservedApp.get("http://127.0.0.1:" + ObservedApp.port(context) + "/items/8")).isEqualTo("item 8");
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			while (System.nanoTime() < deadline && spans.getFinishedSpanItems().isEmpty()) {
				Thread.sleep(50);
			}
			assertThat(spans.getFinishedSpanItems()).isNotEmpty();
			assertThat(context.getBean(MeterRegistry.class).find("http.server.requests").timers()).isNotEmpty();
		}
	}

	private static ConfigurableApplicationContext start(InMemorySpanExporter exporter, String... extra) {
		return ObservedApp.startExportingTo(exporter,
				Stream.concat(Stream.of(PROPERTIES), Stream.of(extra)).toArray(String[]::new));
	}

}
