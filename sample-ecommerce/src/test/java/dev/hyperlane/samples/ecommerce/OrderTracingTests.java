package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two samples traced end to end, as they run: a real sample-payments instance started in this JVM on port 0
 * (its own {@code application.yml}, embedded H2) and the storefront, each exporting its finished spans to an
 * OpenTelemetry {@link InMemorySpanExporter} bean, every request sampled. One {@code POST /orders} makes one
 * trace: the storefront's server span, its {@code WebClient} span to payments (naming the instance the load
 * balancer chose) and payments' server span for {@code POST /payments} share one trace id, each the parent of the
 * next (W3C {@code traceparent} crossed the wire), and the log lines both samples write while handling the order,
 * after reactive database calls and the {@code WebClient} answer, carry that trace id (Reactor's automatic context
 * propagation, {@code spring.reactor.context-propagation=auto}, which the samples set). After an
 * order the storefront's Prometheus scrape shows the server request timer, the pool meters and the balancer's
 * per-instance meters.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "spring.r2dbc.url=r2dbc:h2:mem:///tracing-storefront;DB_CLOSE_DELAY=-1",
				"spring.flyway.url=jdbc:h2:mem:tracing-storefront;DB_CLOSE_DELAY=-1",
				"catalog.cache.type=in-process", "orders.pending-retry.interval=0s",
				"spring.reactor.netty.shutdown-quiet-period=0s", "management.tracing.sampling.probability=1.0",
				"management.opentelemetry.tracing.export.schedule-delay=50ms" })
@Import(OrderTracingTests.StorefrontSpans.class)
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
@Timeout(60)
class OrderTracingTests {

	private static final String INSTANCE = "tracing-payments";

	private static final AttributeKey<String> BALANCED_INSTANCE = AttributeKey
		.stringKey("hyperlane.loadbalancer.instance");

	private static final InMemorySpanExporter storefrontSpans = InMemorySpanExporter.create();

	private static final InMemorySpanExporter paymentsSpans = InMemorySpanExporter.create();

	private static ConfigurableApplicationContext payments;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void paymentsInstance(DynamicPropertyRegistry registry) {
		payments = PaymentsInstances.start(List.of(PaymentsSpans.class),
				"--spring.r2dbc.url=r2dbc:h2:mem:///tracing-payments;DB_CLOSE_DELAY=-1",
				"--spring.flyway.url=jdbc:h2:mem:tracing-payments;DB_CLOSE_DELAY=-1",
				"--payments.instance-id=" + INSTANCE, "--payments.acquirer.latency=0ms",
				"--management.tracing.sampling.probability=1.0",
				"--management.opentelemetry.tracing.export.schedule-delay=50ms");
		int paymentsPort = PaymentsInstances.port(payments);
		registry.add("spring.cloud.discovery.client.simple.instances.payments[0].uri",
				() -> "http://127.0.0.1:" + paymentsPort);
	}

	@AfterAll
	static void stopPayments() {
		if (payments != null) {
			payments.close();
		}
	}

	@BeforeEach
	void forgetEarlierSpans() {
		storefrontSpans.reset();
		paymentsSpans.reset();
	}

	@Test
	void oneOrderIsOneTraceAcrossBothSamplesAndTheirLogLines(CapturedOutput output) throws Exception {
		String orderId = placeOrder();
		SpanData storefrontServer = await(storefrontSpans, SpanKind.SERVER, "POST", "/orders");
		SpanData storefrontClient = await(storefrontSpans, SpanKind.CLIENT, "POST", "/payments");
		SpanData paymentsServer = await(paymentsSpans, SpanKind.SERVER, "POST", "/payments");
		String traceId = storefrontServer.getTraceId();
		assertThat(storefrontClient.getTraceId()).as(storefrontClient.toString()).isEqualTo(traceId);
		assertThat(paymentsServer.getTraceId()).as(paymentsServer.toString()).isEqualTo(traceId);
		assertThat(storefrontClient.getParentSpanId()).isEqualTo(storefrontServer.getSpanId());
		assertThat(paymentsServer.getParentSpanId()).isEqualTo(storefrontClient.getSpanId());
		assertThat(storefrontServer.getParentSpanContext().isValid()).as("the storefront's span starts the trace")
			.isFalse();
		assertThat(storefrontClient.getAttributes().get(BALANCED_INSTANCE)).as(storefrontClient.toString())
			.isEqualTo("127.0.0.1:" + PaymentsInstances.port(payments));

		List<String> lines = output.getAll().lines().filter((line) -> line.contains(orderId)).toList();
		assertThat(lines).as("the storefront's log line")
			.filteredOn((line) -> line.contains("Order " + orderId + " PAID by payments instance " + INSTANCE))
			.hasSize(1)
			.allSatisfy((line) -> assertThat(line).contains(traceId));
		assertThat(lines).as("payments' log line")
			.filteredOn((line) -> line.contains("for order " + orderId + " AUTHORIZED"))
			.hasSize(1)
			.allSatisfy((line) -> assertThat(line).contains(traceId));
	}

	@Test
	void prometheusShowsServerPoolAndBalancerMetersAfterAnOrder() throws Exception {
		placeOrder();
		HttpResponse<String> scrape = send(HttpRequest.newBuilder(uri("/actuator/prometheus")).build());
		assertThat(scrape.statusCode()).isEqualTo(200);
		List<String> series = scrape.body().lines().filter((line) -> !line.startsWith("#")).toList();
		assertThat(series).as("the server request timer of POST /orders, with its latency histogram")
			.anyMatch((line) -> line.startsWith("http_server_requests_seconds_bucket") && line.contains("uri=\"/orders\""));
		String address = "127.0.0.1:" + PaymentsInstances.port(payments);
		assertThat(series).as("the meters of the storefront's pool for payments")
			.anyMatch((line) -> line.startsWith("reactor_netty_connection_provider_")
					&& line.contains("name=\"hyperlane-payments\"") && line.contains(address));
		assertThat(series).as("the balancer's meters for the payments instance")
			.anyMatch((line) -> line.startsWith("hyperlane_loadbalancer_instance_")
					&& line.contains("address=\"" + address + "\"") && line.contains("service=\"payments\""));
	}

	private String placeOrder() throws IOException, InterruptedException {
		HttpResponse<String> placed = send(HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"productId\":21,\"quantity\":1}]}"))
			.build());
		assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
		return this.json.readTree(placed.body()).get("id").asText();
	}

	private static SpanData await(InMemorySpanExporter exporter, SpanKind kind, String method, String path)
			throws InterruptedException {
		// Micrometer's HTTP observations: "method" and "uri" (the route or URI template) key values
		Predicate<SpanData> wanted = (span) -> span.getKind() == kind
				&& method.equals(span.getAttributes().get(AttributeKey.stringKey("method")))
				&& path.equals(span.getAttributes().get(AttributeKey.stringKey("uri")));
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			List<SpanData> found = exporter.getFinishedSpanItems().stream().filter(wanted).toList();
			if (!found.isEmpty()) {
				assertThat(found).as("%s spans for %s %s", kind, method, path).hasSize(1);
				return found.get(0);
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no " + kind + " span for " + method + " " + path + " in 20 s; spans: "
				+ exporter.getFinishedSpanItems());
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * The storefront's span exporter; a plain class, so that component scanning never picks it up.
	 */
	static class StorefrontSpans {

		@Bean
		InMemorySpanExporter storefrontSpanExporter() {
			return storefrontSpans;
		}

	}

	/**
	 * The payments instance's span exporter.
	 */
	static class PaymentsSpans {

		@Bean
		InMemorySpanExporter paymentsSpanExporter() {
			return paymentsSpans;
		}

	}

}
