package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Hooks;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two real applications with the starter, a storefront that calls payments through a {@code @LoadBalanced
 * WebClient}, each exporting its spans to an in-test OpenTelemetry exporter: one checkout makes one trace, the
 * payments server span is the child of the storefront's client span (W3C {@code traceparent} crossed the wire),
 * which is the child of the storefront's server span and names the chosen instance; the log lines both
 * applications write in their handlers carry the trace id with Spring Boot's default
 * {@code spring.reactor.context-propagation=limited} ({@link ObservationScopeWebFilter}), and so does the line
 * written after the {@code WebClient} answer when the application sets {@code auto}. With
 * connection-level spans on, the storefront's new connection to payments has a {@code connect} span in the same
 * trace, and the call still has one client span (Reactor Netty's request-level observation is not traced).
 */
@ExtendWith(OutputCaptureExtension.class)
class TracePropagationTests {

	private static final String[] TRACING = { "management.tracing.sampling.probability=1.0",
			"management.opentelemetry.tracing.export.schedule-delay=50ms" };

	@AfterEach
	void automaticContextPropagationOff() {
		// Spring Boot turns Reactor's global hook on for spring.reactor.context-propagation=auto and never off
		Hooks.disableAutomaticContextPropagation();
	}

	@Test
	void handlerLogLinesCarryTheTraceIdWithBootsDefaultContextPropagation(CapturedOutput output)
			throws InterruptedException {
		InMemorySpanExporter paymentsSpans = InMemorySpanExporter.create();
		InMemorySpanExporter storefrontSpans = InMemorySpanExporter.create();
		try (ConfigurableApplicationContext payments = start(paymentsSpans, "spring.application.name=payments");
				ConfigurableApplicationContext storefront = start(storefrontSpans,
						"spring.application.name=storefront",
						"spring.cloud.discovery.client.simple.instances.payments[0].uri=http://127.0.0.1:"
								+ ObservedApp.port(payments))) {
			String body = ObservedApp.get("http://127.0.0.1:" + ObservedApp.port(storefront) + "/checkout/4712");
			assertThat(body).isEqualTo("paid 4712");
			String traceId = await(storefrontSpans, SpanKind.SERVER, "/checkout/").getTraceId();
			assertThat(await(paymentsSpans, SpanKind.SERVER, "/pay/").getTraceId()).isEqualTo(traceId);
			List<String> lines = output.getAll().lines().filter((line) -> line.contains("4712")).toList();
			assertThat(lines).filteredOn((line) -> line.contains("checkout 4712 calls payments")).hasSize(1)
				.allMatch((line) -> line.contains(traceId));
			assertThat(lines).filteredOn((line) -> line.contains("authorizing payment 4712")).hasSize(1)
				.allMatch((line) -> line.contains(traceId));
		}
	}

	@Test
	void oneTraceAcrossTwoApplicationsAndInTheirLogLines(CapturedOutput output) throws InterruptedException {
		InMemorySpanExporter paymentsSpans = InMemorySpanExporter.create();
		InMemorySpanExporter storefrontSpans = InMemorySpanExporter.create();
		try (ConfigurableApplicationContext payments = start(paymentsSpans, "spring.application.name=payments",
				"spring.reactor.context-propagation=auto");
				ConfigurableApplicationContext storefront = start(storefrontSpans,
						"spring.application.name=storefront", "hyperlane.observability.tracing.connection-spans=true",
						"spring.reactor.context-propagation=auto",
						"spring.cloud.discovery.client.simple.instances.payments[0].uri=http://127.0.0.1:"
								+ ObservedApp.port(payments))) {
			String body = ObservedApp.get("http://127.0.0.1:" + ObservedApp.port(storefront) + "/checkout/4711");
			assertThat(body).isEqualTo("paid 4711");
			SpanData storefrontServer = await(storefrontSpans, SpanKind.SERVER, "/checkout/");
			SpanData storefrontClient = await(storefrontSpans, SpanKind.CLIENT, "/pay/");
			SpanData paymentsServer = await(paymentsSpans, SpanKind.SERVER, "/pay/");
			String traceId = storefrontServer.getTraceId();
			assertThat(storefrontClient.getTraceId()).isEqualTo(traceId);
			assertThat(paymentsServer.getTraceId()).isEqualTo(traceId);
			assertThat(storefrontClient.getParentSpanId()).isEqualTo(storefrontServer.getSpanId());
			assertThat(paymentsServer.getParentSpanId()).isEqualTo(storefrontClient.getSpanId());
			assertThat(storefrontClient.getAttributes().get(AttributeKey.stringKey(LoadBalancerInstanceTag.KEY)))
				.as(storefrontClient.toString())
				.isEqualTo("127.0.0.1:" + ObservedApp.port(payments));
			// connection-level spans from Reactor Netty, and no second span for the same call
			SpanData connect = await(storefrontSpans, null, "connect");
			assertThat(connect.getTraceId()).isEqualTo(traceId);
			assertThat(storefrontSpans.getFinishedSpanItems()).filteredOn((span) -> span.getKind() == SpanKind.CLIENT)
				.filteredOn((span) -> !ConnectionSpans.isConnectionLevelName(span.getName()))
				.hasSize(1);
			List<String> lines = output.getAll().lines().filter((line) -> line.contains("4711")).toList();
			assertThat(lines).filteredOn((line) -> line.contains("checkout 4711 calls payments")).hasSize(1)
				.allMatch((line) -> line.contains(traceId));
			assertThat(lines).filteredOn((line) -> line.contains("checkout 4711 got")).hasSize(1)
				.allMatch((line) -> line.contains(traceId));
			assertThat(lines).filteredOn((line) -> line.contains("authorizing payment 4711")).hasSize(1)
				.allMatch((line) -> line.contains(traceId));
		}
	}

	private static ConfigurableApplicationContext start(InMemorySpanExporter exporter, String... properties) {
		String[] all = new String[TRACING.length + properties.length];
		System.arraycopy(TRACING, 0, all, 0, TRACING.length);
		System.arraycopy(properties, 0, all, TRACING.length, properties.length);
		return ObservedApp.start((context) -> context.getBeanFactory().registerSingleton("testSpanExporter", exporter),
				all);
	}

	private static SpanData await(InMemorySpanExporter exporter, @Nullable SpanKind kind, String path)
			throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			Optional<SpanData> span = exporter.getFinishedSpanItems()
				.stream()
				.filter((candidate) -> kind == null || candidate.getKind() == kind)
				.filter((candidate) -> (kind != null && String.valueOf(candidate.getAttributes().asMap()).contains(path))
						|| candidate.getName().contains(path))
				.findFirst();
			if (span.isPresent()) {
				return span.get();
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no " + kind + " span for " + path + " in 20 s; spans: "
				+ exporter.getFinishedSpanItems());
	}

}
