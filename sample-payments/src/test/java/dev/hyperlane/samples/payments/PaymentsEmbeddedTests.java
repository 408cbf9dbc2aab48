package dev.hyperlane.samples.payments;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.hyperlane.boot.transport.TransportResources;
import dev.hyperlane.samples.support.EmbeddedDatabaseConfiguration;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sample as the README's run command starts it, with nothing installed: Flyway migrates the in-memory H2
 * database over JDBC, R2DBC reads and writes the same database, and the probes and Prometheus answer. A
 * property out of range stops start-up with a message naming it. The embedded database's queries run on bounded
 * elastic threads, behind Spring Boot's connection pool.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "payments.acquirer.latency=0s", "spring.reactor.netty.shutdown-quiet-period=0s" })
class PaymentsEmbeddedTests {

	private final HttpClient client = HttpClient.newHttpClient();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	TransportResources transport;

	@Autowired
	ConnectionFactory connections;

	@Test
	void authorizesOnTheEmbeddedDatabase() throws Exception {
		HttpResponse<String> created = post("embedded-1",
				"{\"amount\":\"9.99\",\"currency\":\"EUR\",\"orderReference\":\"embedded\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		JsonNode payment = this.json.readTree(created.body());
		assertThat(payment.get("status").asText()).isEqualTo("AUTHORIZED");
		assertThat(payment.get("currency").asText()).isEqualTo("EUR");
		HttpResponse<String> read = get(created.headers().firstValue("Location").orElseThrow());
		assertThat(this.json.readTree(read.body())).isEqualTo(payment);
	}

	@Test
	void duplicateJsonMemberIsRefusedAndNothingIsAuthorized() throws Exception {
		String body = "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"orderReference\":\"dup\",\"amount\":\"9999.00\"}";
		HttpResponse<String> refused = post("embedded-duplicate-member", body);
		assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
		assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(this.json.readTree(refused.body()).get("status").asInt()).isEqualTo(400);
		// the same key with a well-formed body is still free: the refused request authorized nothing
		HttpResponse<String> created = post("embedded-duplicate-member",
				"{\"amount\":\"1.00\",\"currency\":\"EUR\",\"orderReference\":\"dup\"}");
		assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
		assertThat(created.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(new BigDecimal(this.json.readTree(created.body()).get("amount").asText()))
			.isEqualByComparingTo("1.00");
		System.out.println("MEASURED duplicate JSON member on " + this.transport.transport().displayName() + ": "
				+ refused.statusCode() + ", then the same key with the member once: " + created.statusCode()
				+ ", amount " + this.json.readTree(created.body()).get("amount").asText());
	}

	/**
	 * The H2 driver runs a query on the thread that subscribes to it; behind the pool that must never be the
	 * thread that asked (an event loop, here a non-blocking parallel thread) but a bounded elastic one
	 * ({@link EmbeddedDatabaseConfiguration}). H2 emits its rows where it ran the query.
	 */
	@Test
	void embeddedDatabaseQueriesRunOnBoundedElasticThreads() {
		assertThat(this.connections).isInstanceOf(ConnectionPool.class);
		String thread = Mono.usingWhen(this.connections.create(),
				(connection) -> Mono.from(connection.createStatement("SELECT 1").execute())
					.flatMap((result) -> Mono.from(result.map((row, metadata) -> Thread.currentThread().getName()))),
				Connection::close)
			.subscribeOn(Schedulers.parallel())
			.block(Duration.ofSeconds(10));
		assertThat(thread).startsWith("boundedElastic-");
	}

	@Test
	void probesAndPrometheusAnswer() throws Exception {
		assertThat(this.json.readTree(get("/actuator/health/liveness").body()).get("status").asText())
			.isEqualTo("UP");
		JsonNode readiness = this.json.readTree(get("/actuator/health/readiness").body());
		assertThat(readiness.get("status").asText()).isEqualTo("UP");
		HttpResponse<String> prometheus = get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(prometheus.body()).contains("jvm_memory_used_bytes");
	}

	@Test
	void failureRateOutOfRangeStopsStartUpNamingTheProperty() {
		assertThatThrownBy(() -> new SpringApplicationBuilder(PaymentsApplication.class).web(WebApplicationType.NONE)
			.run("--payments.acquirer.failure-rate=1.5", "--spring.flyway.enabled=false"))
			.hasStackTraceContaining("payments.acquirer.failureRate")
			.hasStackTraceContaining("must be less than or equal to 1");
	}

	private HttpResponse<String> post(String idempotencyKey, String body) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri("/payments"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", idempotencyKey)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
