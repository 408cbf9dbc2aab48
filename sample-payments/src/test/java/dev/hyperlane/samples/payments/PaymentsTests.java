package dev.hyperlane.samples.payments;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import dev.hyperlane.samples.payments.payment.PaymentRequest;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payments on a real server over real PostgreSQL (schema {@code payments_tests}): concurrent duplicates of one
 * {@code Idempotency-Key} are authorized once and all get the same answer, a key reused for another request is
 * refused, validation errors are problem details, an acquirer failure leaves the key free, and a payment left
 * processing by a stopped instance is taken over.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SampleInfrastructure.SCHEMA_PROPERTY + "=payments_tests", "payments.acquirer.latency=300ms",
				// correctness, not speed: duplicates wait as long as a starved machine needs
				"payments.idempotency.wait-timeout=60s",
				"payments.instance-id=payments-under-test", "spring.reactor.netty.shutdown-quiet-period=0s" })
@Import(SampleInfrastructure.class)
@Timeout(60)
class PaymentsTests {

	private static final int DUPLICATES = 50;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient database;

	@Autowired
	PaymentsProperties properties;

	@Test
	void concurrentDuplicatesAreAuthorizedOnceAndAllGetTheSameAnswer() throws Exception {
		String key = "order-" + UUID.randomUUID();
		String body = "{\"amount\":\"42.50\",\"currency\":\"EUR\",\"orderReference\":\"" + key + "\"}";
		List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
		for (int i = 0; i < DUPLICATES; i++) {
			responses.add(this.client.sendAsync(post(key, body), HttpResponse.BodyHandlers.ofString()));
		}
		CompletableFuture.allOf(responses.toArray(new CompletableFuture<?>[0])).get(30, TimeUnit.SECONDS);
		List<HttpResponse<String>> answers = responses.stream().map(CompletableFuture::join).toList();
		assertThat(answers).allSatisfy((response) -> assertThat(response.statusCode()).isEqualTo(201));
		Set<String> bodies = answers.stream().map(HttpResponse::body).collect(Collectors.toSet());
		assertThat(bodies).hasSize(1);
		JsonNode payment = this.json.readTree(bodies.iterator().next());
		assertThat(payment.get("status").asText()).isEqualTo("AUTHORIZED");
		assertThat(payment.get("amount").decimalValue()).isEqualByComparingTo("42.50");
		assertThat(payment.get("instance").asText()).isEqualTo("payments-under-test");
		assertThat(payment.has("requestFingerprint")).isFalse();
		long replayed = answers.stream()
			.filter((response) -> response.headers().firstValue("Idempotent-Replayed").isPresent())
			.count();
		assertThat(replayed).isEqualTo(DUPLICATES - 1);
		assertThat(answers).allSatisfy((response) -> assertThat(response.headers().firstValue("Location"))
			.hasValue("/payments/" + payment.get("id").asText()));
		assertThat(rowsFor(key)).isEqualTo(1);

		HttpResponse<String> byId = get("/payments/" + payment.get("id").asText());
		assertThat(byId.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(byId.body())).isEqualTo(payment);
	}

	@Test
	void keyReusedForAnotherRequestIsRefused() throws Exception {
		String key = "order-" + UUID.randomUUID();
		assertThat(send(post(key, "{\"amount\":10,\"currency\":\"EUR\",\"orderReference\":\"a\"}")).statusCode())
			.isEqualTo(201);
		HttpResponse<String> reused = send(post(key, "{\"amount\":11,\"currency\":\"EUR\",\"orderReference\":\"a\"}"));
		assertProblem(reused, 422, "Idempotency-Key reused");
		assertThat(rowsFor(key)).isEqualTo(1);
	}

	@Test
	void amountAboveTheLimitIsDeclinedAndTheDeclineIsReplayed() throws Exception {
		String key = "order-" + UUID.randomUUID();
		String body = "{\"amount\":\"20000.00\",\"currency\":\"EUR\",\"orderReference\":\"big\"}";
		HttpResponse<String> first = send(post(key, body));
		HttpResponse<String> again = send(post(key, body));
		assertThat(first.statusCode()).isEqualTo(201);
		assertThat(this.json.readTree(first.body()).get("status").asText()).isEqualTo("DECLINED");
		assertThat(again.body()).isEqualTo(first.body());
		assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
	}

	@Test
	void acquirerFailureIsA502AndLeavesTheKeyFreeForARetry() throws Exception {
		String key = "order-" + UUID.randomUUID();
		String body = "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"orderReference\":\"flaky\"}";
		this.properties.getAcquirer().setFailureRate(1.0);
		try {
			assertProblem(send(post(key, body)), 502, "Acquirer unavailable");
			assertThat(rowsFor(key)).isZero();
		}
		finally {
			this.properties.getAcquirer().setFailureRate(0.0);
		}
		HttpResponse<String> retried = send(post(key, body));
		assertThat(retried.statusCode()).isEqualTo(201);
		assertThat(retried.headers().firstValue("Idempotent-Replayed")).isEmpty();
		assertThat(rowsFor(key)).isEqualTo(1);
	}

	@Test
	void paymentLeftProcessingByAStoppedInstanceIsTakenOverOnce() throws Exception {
		String key = "order-" + UUID.randomUUID();
		PaymentRequest request = new PaymentRequest(new BigDecimal("7.00"), "EUR", "stale");
		Instant longAgo = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MILLIS);
		this.database.sql("INSERT INTO payment (id, idempotency_key, request_fingerprint, order_reference, amount, "
				+ "currency, status, instance, created_at, updated_at) VALUES (:id, :key, :fingerprint, 'stale', 7.00, "
				+ "'EUR', 'PROCESSING', 'stopped-instance', :at, :at)")
			.bind("id", UUID.randomUUID())
			.bind("key", key)
			.bind("fingerprint", request.fingerprint())
			.bind("at", longAgo.atOffset(ZoneOffset.UTC))
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(5));
		HttpResponse<String> answer = send(
				post(key, "{\"amount\":\"7.00\",\"currency\":\"EUR\",\"orderReference\":\"stale\"}"));
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(201);
		JsonNode payment = this.json.readTree(answer.body());
		assertThat(payment.get("status").asText()).isEqualTo("AUTHORIZED");
		assertThat(payment.get("instance").asText()).isEqualTo("payments-under-test");
		assertThat(rowsFor(key)).isEqualTo(1);
	}

	@Test
	void invalidRequestsAreProblemDetails() throws Exception {
		HttpResponse<String> noKey = send(HttpRequest.newBuilder(uri("/payments"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"amount\":1,\"currency\":\"EUR\",\"orderReference\":\"x\"}"))
			.build());
		assertProblem(noKey, 400, null);
		assertThat(this.json.readTree(noKey.body()).get("detail").asText()).contains("Idempotency-Key");
		String key = "order-" + UUID.randomUUID();
		assertProblem(send(post(key, "{\"amount\":-1,\"currency\":\"EUR\",\"orderReference\":\"x\"}")), 400, null);
		assertProblem(send(post(key, "{\"amount\":1,\"currency\":\"euro\",\"orderReference\":\"x\"}")), 400, null);
		assertProblem(send(post(key, "{\"amount\":1.001,\"currency\":\"EUR\",\"orderReference\":\"x\"}")), 400,
				null);
		assertThat(rowsFor(key)).isZero();
		assertProblem(get("/payments/" + UUID.randomUUID()), 404, null);
	}

	private void assertProblem(HttpResponse<String> response, int status, String title) throws Exception {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		JsonNode problem = this.json.readTree(response.body());
		assertThat(problem.get("status").asInt()).isEqualTo(status);
		if (title != null) {
			assertThat(problem.get("title").asText()).isEqualTo(title);
		}
	}

	private long rowsFor(String key) {
		return this.database.sql("SELECT COUNT(*) AS n FROM payment WHERE idempotency_key = :key")
			.bind("key", key)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(5));
	}

	private HttpRequest post(String key, String body) {
		return HttpRequest.newBuilder(uri("/payments"))
			.header("Content-Type", "application/json")
			.header("Idempotency-Key", key)
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private HttpResponse<String> get(String path) throws Exception {
		return send(HttpRequest.newBuilder(uri(path)).build());
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
