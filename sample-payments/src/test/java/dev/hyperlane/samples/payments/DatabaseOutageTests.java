package dev.hyperlane.samples.payments;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.hyperlane.boot.testsupport.TcpProxy;
import dev.hyperlane.samples.testsupport.PostgresAddress;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PostgreSQL briefly unreachable: sample-payments reaches PostgreSQL (schema {@code payments_outage}) through a
 * {@link TcpProxy} the test cuts for about three seconds, closing every pooled connection and refusing new ones.
 * Every request in the outage is answered at once with 503, {@code Retry-After} and a problem detail that says the
 * database is unavailable (no stack trace, no 500), readiness reports the outage, and once the proxy listens again
 * the service answers by itself, without a restart; a key first tried during the outage is then authorized exactly
 * once.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "payments.acquirer.latency=5ms", "payments.instance-id=payments-outage",
				"spring.reactor.netty.shutdown-quiet-period=0s" })
@Timeout(90)
class DatabaseOutageTests {

	private static final PostgresAddress postgres = SampleInfrastructure.postgres();

	private static final String schema = SampleInfrastructure.schema("payments_outage");

	private static final TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());

	private static final Duration OUTAGE = Duration.ofSeconds(3);

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void postgresThroughTheProxy(DynamicPropertyRegistry registry) {
		postgres.registerThrough(proxy, schema, registry);
	}

	@AfterAll
	static void dropSchema() {
		proxy.close();
		postgres.dropSchema(schema);
	}

	@Test
	void requestsGet503WithAProblemDetailWhilePostgresIsUnreachableAndSucceedAgainOnceItIsBack() throws Exception {
		assertThat(authorize("before-" + UUID.randomUUID()).statusCode()).isEqualTo(201);
		assertThat(readiness()).isEqualTo(200);

		proxy.cut();
		List<String> keysTriedDuringTheOutage = new ArrayList<>();
		int answered = 0;
		long end = System.nanoTime() + OUTAGE.toNanos();
		try {
			while (System.nanoTime() < end && answered < 200) {
				String key = "outage-" + UUID.randomUUID();
				keysTriedDuringTheOutage.add(key);
				assertUnavailable(authorize(key));
				assertUnavailable(send(HttpRequest.newBuilder(uri("/payments/" + UUID.randomUUID())).build()));
				answered += 2;
				Thread.sleep(50);
			}
			assertThat(readiness()).as("readiness while PostgreSQL is unreachable").isEqualTo(503);
		}
		finally {
			proxy.restore();
		}
		assertThat(answered).isGreaterThanOrEqualTo(4);

		// no restart: the pool connects again by itself
		long restored = System.nanoTime();
		HttpResponse<String> recovered = null;
		int attempts = 0;
		while (attempts++ < 100) {
			recovered = authorize(keysTriedDuringTheOutage.get(0));
			if (recovered.statusCode() == 201) {
				break;
			}
			assertUnavailable(recovered);
			Thread.sleep(200);
		}
		assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(201);
		System.out.printf("PostgreSQL outage: %d requests answered 503 in %d ms; first success %d ms after the link"
				+ " came back, at attempt %d%n", answered, OUTAGE.toMillis(),
				Duration.ofNanos(System.nanoTime() - restored).toMillis(), attempts);
		for (String key : keysTriedDuringTheOutage.subList(1, Math.min(5, keysTriedDuringTheOutage.size()))) {
			assertThat(authorize(key).statusCode()).isEqualTo(201);
		}
		HttpResponse<String> replayed = authorize(keysTriedDuringTheOutage.get(0));
		assertThat(replayed.statusCode()).isEqualTo(201);
		assertThat(replayed.headers().firstValue("Idempotent-Replayed")).hasValue("true");
		assertThat(readiness()).isEqualTo(200);
		// nothing was half-written during the outage: one row per key that later succeeded, none for the rest
		assertThat(rows(keysTriedDuringTheOutage.get(0))).isEqualTo(1);
		for (String key : keysTriedDuringTheOutage.subList(Math.min(5, keysTriedDuringTheOutage.size()),
				keysTriedDuringTheOutage.size())) {
			assertThat(rows(key)).as("payments stored for %s", key).isZero();
		}
	}

	private void assertUnavailable(HttpResponse<String> response) throws Exception {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		JsonNode problem = this.json.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(503);
		assertThat(problem.get("title").asText()).isEqualTo("Database unavailable");
		assertThat(problem.has("trace")).isFalse();
		assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ");
	}

	private long rows(String key) throws Exception {
		try (Connection connection = postgres.connect();
				PreparedStatement statement = connection
					.prepareStatement("SELECT COUNT(*) FROM " + schema + ".payment WHERE idempotency_key = ?")) {
			statement.setString(1, key);
			try (ResultSet result = statement.executeQuery()) {
				result.next();
				return result.getLong(1);
			}
		}
	}

	private int readiness() throws Exception {
		return send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).build()).statusCode();
	}

	private HttpResponse<String> authorize(String key) throws Exception {
		return send(HttpRequest.newBuilder(uri("/payments"))
			.header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"amount\":\"12.00\",\"currency\":\"EUR\",\"orderReference\":\"" + key + "\"}"))
			.timeout(Duration.ofSeconds(20))
			.build());
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
