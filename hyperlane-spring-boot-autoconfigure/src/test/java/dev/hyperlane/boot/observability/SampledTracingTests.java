package dev.hyperlane.boot.observability;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.tracing.Baggage;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real application with the starter and Spring Boot's OpenTelemetry tracing: W3C and B3 callers are still
 * continued and configured baggage fields still arrive although extraction is skipped for requests without a
 * propagation header ({@link HeaderGatedPropagator}), unsampled requests still have trace ids in their log lines
 * although their spans are not tagged ({@link SampledSpanTags}), and Spring Boot's own beans come back with
 * {@code hyperlane.observability.enabled=false} or when the application declares its own handler.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampledTracingTests {

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static final String SPAN_ID = "00f067aa0ba902b7";

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private static final TextMapGetter<Map<String, String>> MAP_GETTER = new TextMapGetter<>() {

		@Override
		public Iterable<String> keys(Map<String, String> carrier) {
			return carrier.keySet();
		}

		@Override
		public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
			return (carrier != null) ? carrier.get(key) : null;
		}

	};

	@Test
	void w3cAndB3CallersAreContinued() throws Exception {
		InMemorySpanExporter spans = InMemorySpanExporter.create();
		try (ConfigurableApplicationContext app = start(spans)) {
			assertThat(echo(app, "traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-01")).startsWith(TRACE_ID + " ");
			SpanData server = await(spans, TRACE_ID);
			assertThat(server.getParentSpanId()).isEqualTo(SPAN_ID);
			assertThat(server.getAttributes().asMap().toString()).contains("/trace");
			spans.reset();
			String b3Trace = "80f198ee56343ba864fe8b2a57d3eff7";
			assertThat(echo(app, "b3", b3Trace + "-e457b5a2e4d86bd1-1")).startsWith(b3Trace + " ");
			assertThat(await(spans, b3Trace).getParentSpanId()).isEqualTo("e457b5a2e4d86bd1");
			String multiTrace = "463ac35c9f6413ad48485a3953bb6124";
			assertThat(echo(app, "X-B3-TraceId", multiTrace, "X-B3-SpanId", "a2fb4a1d1a96d312", "X-B3-Sampled", "1"))
				.startsWith(multiTrace + " ");
			assertThat(await(spans, multiTrace).getParentSpanId()).isEqualTo("a2fb4a1d1a96d312");
		}
	}

	@Test
	void configuredBaggageFieldsArrive() throws Exception {
		try (ConfigurableApplicationContext app = start(InMemorySpanExporter.create(),
				"management.tracing.baggage.remote-fields=tenant")) {
			assertThat(echo(app, "tenant", "acme")).endsWith(" acme");
			assertThat(echo(app, "baggage", "tenant=globex")).endsWith(" globex");
			assertThat(echo(app)).endsWith(" null");
		}
	}

	@Test
	void unsampledRequestsHaveTraceIdsInTheirLogLines(CapturedOutput output) throws Exception {
		try (ConfigurableApplicationContext app = start(InMemorySpanExporter.create(),
				"management.tracing.sampling.probability=0.0")) {
			String[] fresh = echo(app).split(" ");
			assertThat(fresh[0]).hasSize(32).isNotEqualTo("0".repeat(32));
			assertThat(fresh[2]).as("noop span").isEqualTo("true");
			assertThat(output.getAll().lines().filter((line) -> line.contains("trace echo")))
				.anyMatch((line) -> line.contains(fresh[0]));
			assertThat(echo(app, "traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-00"))
				.startsWith(TRACE_ID + " ")
				.contains(" true ");
		}
	}

	@Test
	void propagatorSkipsExtractionWithoutHeaders() {
		try (ConfigurableApplicationContext app = start(InMemorySpanExporter.create(),
				"management.tracing.sampling.probability=0.0")) {
			TextMapPropagator propagator = app.getBean(TextMapPropagator.class);
			assertThat(propagator).isInstanceOf(HeaderGatedPropagator.class);
			Context root = Context.root();
			assertThat(propagator.extract(root, Map.of("accept", "*/*"), MAP_GETTER)).isSameAs(root);
			assertThat(propagator.extract(root, Map.of("X-B3-TraceId", TRACE_ID, "X-B3-SpanId", SPAN_ID), MAP_GETTER))
				.isNotSameAs(root);
		}
	}

	@Test
	void spansAreTaggedOnlyWhenSampled() {
		try (ConfigurableApplicationContext app = start(InMemorySpanExporter.create(),
				"management.tracing.sampling.probability=0.0")) {
			PropagatingReceiverTracingObservationHandler<?> handler = app
				.getBean(PropagatingReceiverTracingObservationHandler.class);
			assertThat(handler).isInstanceOf(SampledSpanTags.Receiver.class);
			assertThat(app.getBean(PropagatingSenderTracingObservationHandler.class))
				.isInstanceOf(SampledSpanTags.Sender.class);
			assertThat(keyValueReads(handler, "00")).as("unsampled").isZero();
			assertThat(keyValueReads(handler, "01")).as("sampled").isEqualTo(1);
		}
	}

	@Test
	void bootsOwnBeansWithObservabilityOffOrTheApplicationsHandler() {
		try (ConfigurableApplicationContext app = start(InMemorySpanExporter.create(),
				"hyperlane.observability.enabled=false")) {
			assertThat(app.getBean(TextMapPropagator.class)).isNotInstanceOf(HeaderGatedPropagator.class);
			assertThat(app.getBean(PropagatingReceiverTracingObservationHandler.class))
				.isNotInstanceOf(SampledSpanTags.Receiver.class);
		}
		try (ConfigurableApplicationContext app = ObservedApp.start((context) -> {
			context.getBeanFactory().registerSingleton("testSpanExporter", InMemorySpanExporter.create());
			((GenericApplicationContext) context).registerBean("ownReceiverHandler",
					PropagatingReceiverTracingObservationHandler.class,
					() -> new PropagatingReceiverTracingObservationHandler<>(context.getBean(Tracer.class),
							context.getBean(Propagator.class)));
		})) {
			assertThat(app.getBeansOfType(PropagatingReceiverTracingObservationHandler.class)).containsOnlyKeys(
					"ownReceiverHandler");
		}
	}

	@SuppressWarnings({ "unchecked", "rawtypes" })
	private static int keyValueReads(PropagatingReceiverTracingObservationHandler handler, String flags) {
		int[] reads = new int[1];
		ReceiverContext<Map<String, String>> context = new ReceiverContext<>((carrier, key) -> carrier.get(key)) {

			@Override
			public KeyValues getAllKeyValues() {
				reads[0]++;
				return super.getAllKeyValues();
			}

		};
		Map<String, String> carrier = new HashMap<>();
		carrier.put("traceparent", "00-" + TRACE_ID + "-" + SPAN_ID + "-" + flags);
		context.setCarrier(carrier);
		context.setName("test.receive");
		context.addLowCardinalityKeyValue(io.micrometer.common.KeyValue.of("uri", "/trace"));
		handler.onStart(context);
		handler.onStop(context);
		return reads[0];
	}

	private static ConfigurableApplicationContext start(InMemorySpanExporter exporter, String... properties) {
		String[] all = new String[properties.length + 1];
		all[0] = "management.opentelemetry.tracing.export.schedule-delay=50ms";
		System.arraycopy(properties, 0, all, 1, properties.length);
		return ObservedApp.start((context) -> {
			context.getBeanFactory().registerSingleton("testSpanExporter", exporter);
			((GenericApplicationContext) context).registerBean(TraceEcho.class);
		}, all);
	}

	/**
	 * GET /trace with the given header names and values; the answer is "traceId spanId noop tenantBaggage".
	 */
	private static String echo(ConfigurableApplicationContext app, String... headers)
			throws IOException, InterruptedException {
		HttpRequest.Builder request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + ObservedApp.port(app) + "/trace"))
			.timeout(Duration.ofSeconds(30));
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		return response.body();
	}

	private static SpanData await(InMemorySpanExporter exporter, String traceId) throws InterruptedException {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			Optional<SpanData> span = exporter.getFinishedSpanItems()
				.stream()
				.filter((candidate) -> candidate.getTraceId().equals(traceId))
				.findFirst();
			if (span.isPresent()) {
				return span.get();
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no span of trace " + traceId + " in 20 s: " + exporter.getFinishedSpanItems());
	}

	@RestController
	static class TraceEcho {

		private static final Log log = LogFactory.getLog(TraceEcho.class);

		private final Tracer tracer;

		TraceEcho(Tracer tracer) {
			this.tracer = tracer;
		}

		@GetMapping("/trace")
		String trace() {
			Span span = this.tracer.currentSpan();
			if (span == null) {
				return "no span";
			}
			Baggage tenant = this.tracer.getBaggage("tenant");
			log.info("trace echo");
			return span.context().traceId() + " " + span.context().spanId() + " " + span.isNoop() + " "
					+ ((tenant != null) ? tenant.get() : null);
		}

	}

}
