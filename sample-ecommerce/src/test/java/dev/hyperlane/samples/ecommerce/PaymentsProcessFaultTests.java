package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.hyperlane.boot.testsupport.FreePort;
import dev.hyperlane.samples.payments.PaymentsApplication;
import dev.hyperlane.samples.payments.payment.PaymentRequest;
import dev.hyperlane.samples.testsupport.PostgresAddress;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import dev.hyperlane.samples.testsupport.ServiceProcess;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Payments instances ended by the operating system under load. The storefront runs in this JVM (schema
 * {@code faults_storefront}); its {@code @LoadBalanced} client balances over two sample-payments instances that
 * run as separate JVMs ({@link ServiceProcess}) on the same PostgreSQL schema ({@code faults_payments}), so their
 * ends are real signals.
 * <ol>
 * <li>SIGKILL: a third of the way into 240 orders (8 at a time), instance a is killed and started again on the same
 * port. Every order is answered 201 {@code PAID} or 503 with a "Payment pending" problem detail, never anything
 * else; the storefront's background retry then pays every pending order; each order has exactly one authorized
 * payment, no payment lacks its order, nothing is left processing, and the stock went down by the number of orders.
 * The balancer counted a's failures and ejected it, and once a is back it takes requests again (ramping or
 * active, with new successes).</li>
 * <li>SIGTERM: while orders keep coming, instance b is holding requests that it accepted (payments of keys the
 * test keeps "processing" in the table, so they wait for the test) when it gets SIGTERM. Its readiness goes down
 * (503 or the connection refused) while those requests are still open; the test holds them three seconds more
 * (an immediate shutdown would have closed their connections, the database pool and the process by then), then
 * lets them finish, and all of them get 201: Spring's graceful shutdown drained them. The process exits as after SIGTERM (143), and
 * the storefront's orders end as in the first test.</li>
 * </ol>
 * Child processes are killed at the end of the class, and by a shutdown hook when the JVM ends first.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SampleInfrastructure.SCHEMA_PROPERTY + "=faults_storefront", "catalog.cache.type=in-process",
				"orders.pending-retry.interval=2s", "spring.reactor.netty.shutdown-quiet-period=0s",
				// the payments call may wait for a take-over of a payment the killed instance left processing
				"hyperlane.client.services.payments.response-timeout=10s",
				// short ejections and slow start, so the restarted instance comes back within the test
				"hyperlane.loadbalancer.ejection.base-time=1s", "hyperlane.loadbalancer.ejection.max-time=4s",
				"hyperlane.loadbalancer.slow-start.window=10s",
				// the failure penalty (1 s) of the killed instance decays within seconds rather than a minute
				"hyperlane.loadbalancer.decay=2s", "logging.level.dev.hyperlane.samples=ERROR" })
@Import(SampleInfrastructure.class)
@Timeout(240)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PaymentsProcessFaultTests {

	private static final int CONCURRENCY = 8;

	private static final long PRODUCT = 17;

	private static final int STOCK = 5000;

	private static final Duration HOLD_AFTER_SIGTERM = Duration.ofSeconds(3);

	private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

	private static final Path LOGS = Path.of("target", "fault-tests");

	private static final PostgresAddress postgres = SampleInfrastructure.postgres();

	private static final String paymentsSchema = SampleInfrastructure.schema("faults_payments");

	private static final int portA = FreePort.find();

	private static final int portB = FreePort.find();

	private static ServiceProcess paymentsA;

	private static ServiceProcess paymentsB;

	private static final Set<UUID> placed = new HashSet<>();

	private final HttpClient client = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	DatabaseClient storefrontDatabase;

	@DynamicPropertySource
	static void paymentsProcesses(DynamicPropertyRegistry registry) {
		// migrated once here, so the two instances do not race to create the schema
		Flyway.configure()
			.dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password())
			.schemas(paymentsSchema)
			.locations("classpath:db/payments")
			.load()
			.migrate();
		paymentsA = startPayments("payments-a", portA);
		paymentsB = startPayments("payments-b", portB);
		paymentsA.awaitReady(START_TIMEOUT);
		paymentsB.awaitReady(START_TIMEOUT);
		String instances = "spring.cloud.discovery.client.simple.instances.payments";
		registry.add(instances + "[0].uri", () -> "http://127.0.0.1:" + portA);
		registry.add(instances + "[1].uri", () -> "http://127.0.0.1:" + portB);
	}

	@AfterAll
	static void stopPaymentsAndDropTheirSchema() {
		for (ServiceProcess payments : new ServiceProcess[] { paymentsA, paymentsB }) {
			if (payments != null) {
				payments.close();
			}
		}
		postgres.dropSchema(paymentsSchema);
	}

	@Test
	@Order(1)
	void sigkillOfAPaymentsInstanceUnderLoadLeavesEveryOrderPaidExactlyOnceOrPending() throws Exception {
		setStock();
		int orders = 240;
		int beforeKill = 80;
		CountDownLatch killPoint = new CountDownLatch(beforeKill);
		ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		Map<String, Object> aBeforeKill;
		try {
			answers.addAll(placeOrders(callers, orders, killPoint));
			assertThat(killPoint.await(120, TimeUnit.SECONDS)).isTrue();
			aBeforeKill = instance(portA);
			assertThat(number(aBeforeKill, "successes")).as("instance a served before it was killed").isPositive();
			paymentsA.kill();
			assertThat(paymentsA.process().exitValue()).as("exit status of SIGKILL").isEqualTo(137);
			// the same port, a new process: what a restarted container does
			paymentsA = startPayments("payments-a", portA);
			for (Future<HttpResponse<String>> answer : answers) {
				answer.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		Map<String, String> answered = assertPaidOrPendingWithAClearError(answers);
		assertThat(answered).hasSize(orders);

		Map<String, Object> aAfterKill = instance(portA);
		assertThat(number(aAfterKill, "failures")).as("failures of the killed instance")
			.isGreaterThan(number(aBeforeKill, "failures"));
		assertThat(number(aAfterKill, "ejections")).as("ejections of the killed instance").isPositive();

		paymentsA.awaitReady(START_TIMEOUT);
		long pending = answered.values().stream().filter("PENDING"::equals).count();
		settleAndAssertEveryOrderPaidExactlyOnce(answered);

		// back in the rotation: the balancer sends the restarted instance requests again and they succeed
		long successesAfterKill = number(instance(portA), "successes");
		Set<String> statesSeen = new HashSet<>();
		Map<String, String> more = new HashMap<>();
		for (int i = 0; i < 200 && number(instance(portA), "successes") <= successesAfterKill; i++) {
			HttpResponse<String> answer = send(placeOrder());
			more.putAll(assertPaidOrPendingWithAClearError(List.of(CompletableFuture.completedFuture(answer))));
			statesSeen.add(String.valueOf(instance(portA).get("state")));
		}
		Map<String, Object> aBack = instance(portA);
		assertThat(number(aBack, "successes")).as("successes of the restarted instance, states seen " + statesSeen)
			.isGreaterThan(successesAfterKill);
		assertThat(String.valueOf(aBack.get("state"))).isIn("ramping", "active");
		settleAndAssertEveryOrderPaidExactlyOnce(more);
		System.out.printf("SIGKILL: %d orders, %d answered 503 and paid later; instance a before the kill %s, after"
				+ " %s, back %s after %d more orders, states seen %s%n", orders, pending, aBeforeKill, aAfterKill,
				aBack, more.size(), statesSeen);
	}

	@Test
	@Order(2)
	void sigtermOfAPaymentsInstanceUnderLoadDrainsTheRequestsItAcceptedAfterItsReadinessWentDown() throws Exception {
		paymentsA.awaitReady(START_TIMEOUT);
		paymentsB.awaitReady(START_TIMEOUT);
		setStock();
		int orders = 160;
		int witnesses = 4;
		CountDownLatch signalPoint = new CountDownLatch(40);
		ExecutorService callers = Executors.newFixedThreadPool(CONCURRENCY);
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		List<String> keys = new ArrayList<>();
		List<CompletableFuture<HttpResponse<String>>> accepted = new ArrayList<>();
		List<Integer> readinessSeen = new ArrayList<>();
		try {
			answers.addAll(placeOrders(callers, orders, signalPoint));
			assertThat(signalPoint.await(120, TimeUnit.SECONDS)).isTrue();

			// requests b accepts and cannot finish until the test says so: their keys are "being authorized"
			for (int i = 0; i < witnesses; i++) {
				String key = "held-" + UUID.randomUUID();
				holdKey(key);
				keys.add(key);
				accepted.add(this.client.sendAsync(authorization(paymentsB.uri("/payments"), key),
						HttpResponse.BodyHandlers.ofString()));
			}
			awaitActivePaymentRequests(paymentsB, witnesses);
			assertThat(paymentsB.readiness()).as("readiness of b before SIGTERM").isEqualTo(200);

			paymentsB.terminate();
			long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
			int readiness = 200;
			while (readiness == 200 && System.nanoTime() < deadline) {
				readiness = paymentsB.readiness();
				readinessSeen.add(readiness);
				Thread.sleep(20);
			}
			assertThat(readiness).as("readiness of b after SIGTERM (-1: connection refused)").isIn(503, -1);
			assertThat(accepted).as("requests b accepted, still open when its readiness went down")
				.noneMatch(CompletableFuture::isDone);
			// held longer than b takes to close everything without a graceful shutdown (about 1 s here), so that
			// only a shutdown that waits for them keeps their connections, the pool and the process up
			Thread.sleep(HOLD_AFTER_SIGTERM.toMillis());
			assertThat(accepted).noneMatch(CompletableFuture::isDone);
			assertThat(paymentsB.process().isAlive()).as("b still draining").isTrue();

			releaseKeys(keys);
			for (CompletableFuture<HttpResponse<String>> answer : accepted) {
				HttpResponse<String> response = answer.get(30, TimeUnit.SECONDS);
				assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
				assertThat(response.headers().firstValue("Idempotent-Replayed")).hasValue("true");
			}
			assertThat(paymentsB.awaitExit(Duration.ofSeconds(60))).as("b ended").isTrue();
			assertThat(paymentsB.process().exitValue()).as("exit status after SIGTERM").isEqualTo(143);
			for (Future<HttpResponse<String>> answer : answers) {
				answer.get(120, TimeUnit.SECONDS);
			}
		}
		finally {
			callers.shutdownNow();
		}
		Map<String, String> answered = assertPaidOrPendingWithAClearError(answers);
		assertThat(answered).hasSize(orders);
		long pending = answered.values().stream().filter("PENDING"::equals).count();
		settleAndAssertEveryOrderPaidExactlyOnce(answered);
		System.out.printf("SIGTERM: %d orders, %d answered 503 and paid later; readiness of b every 20 ms after"
				+ " SIGTERM %s; %d held requests answered 201; b as the balancer saw it %s%n", orders, pending,
				readinessSeen, witnesses, instance(portB));
	}

	/**
	 * Each answer is 201 with a paid order or 503 with a "Payment pending" problem detail naming the order.
	 * @return the status each order was answered with, by order id
	 */
	private Map<String, String> assertPaidOrPendingWithAClearError(List<? extends Future<HttpResponse<String>>> answers)
			throws Exception {
		Map<String, String> answered = new HashMap<>();
		for (Future<HttpResponse<String>> future : answers) {
			HttpResponse<String> response = future.get();
			assertThat(response.statusCode()).as(response.body()).isIn(201, 503);
			JsonNode body = this.json.readTree(response.body());
			String id = response.headers().firstValue("Location").orElseThrow().substring("/orders/".length());
			if (response.statusCode() == 201) {
				assertThat(body.get("status").asText()).isEqualTo("PAID");
				answered.put(id, "PAID");
			}
			else {
				assertThat(response.headers().firstValue("Content-Type"))
					.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
				assertThat(response.headers().firstValue("Retry-After")).isPresent();
				assertThat(body.get("title").asText()).isEqualTo("Payment pending");
				assertThat(body.get("orderId").asText()).isEqualTo(id);
				answered.put(id, "PENDING");
			}
		}
		synchronized (placed) {
			answered.keySet().forEach((id) -> placed.add(UUID.fromString(id)));
		}
		return answered;
	}

	/**
	 * Let the storefront's background retry pay the pending orders, then check both databases: every order paid
	 * exactly once, no payment without its order, nothing processing, the stock down by one per order placed.
	 */
	private void settleAndAssertEveryOrderPaidExactlyOnce(Map<String, String> answered) throws Exception {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		Map<UUID, StoredOrder> stored = storedOrders();
		while (stored.values().stream().anyMatch((order) -> order.status().equals("PENDING"))
				&& System.nanoTime() < deadline) {
			Thread.sleep(500);
			stored = storedOrders();
		}
		Map<UUID, StoredOrder> orders = stored;
		assertThat(orders.values()).as("orders left pending after the background retry")
			.allSatisfy((order) -> assertThat(order.status()).isEqualTo("PAID"));
		for (Map.Entry<String, String> order : answered.entrySet()) {
			assertThat(orders).containsKey(UUID.fromString(order.getKey()));
		}
		synchronized (placed) {
			assertThat(orders.keySet()).as("orders in the storefront, all placed by this test")
				.containsExactlyInAnyOrderElementsOf(placed);
		}

		Map<String, List<StoredPayment>> byOrder = new HashMap<>();
		for (StoredPayment payment : storedPayments()) {
			byOrder.computeIfAbsent(payment.orderReference(), (id) -> new ArrayList<>()).add(payment);
		}
		assertThat(byOrder.keySet()).as("payments without an order")
			.allSatisfy((reference) -> assertThat(orders).containsKey(UUID.fromString(reference)));
		Map<UUID, List<StoredPayment>> notExactlyOne = new HashMap<>();
		for (StoredOrder order : orders.values()) {
			List<StoredPayment> payments = byOrder.getOrDefault(order.id().toString(), List.of());
			if (payments.size() != 1) {
				notExactlyOne.put(order.id(), payments);
			}
		}
		assertThat(notExactlyOne).as("orders without exactly one payment").isEmpty();
		for (StoredOrder order : orders.values()) {
			StoredPayment payment = byOrder.get(order.id().toString()).get(0);
			assertThat(payment.status()).isEqualTo("AUTHORIZED");
			assertThat(payment.idempotencyKey()).isEqualTo("order-" + order.id());
			assertThat(payment.id()).isEqualTo(order.paymentId());
		}
		// a customer paying a paid order again gets the same payment, no second one
		String anyOrder = answered.keySet().iterator().next();
		HttpResponse<String> again = send(HttpRequest.newBuilder(uri("/orders/" + anyOrder + "/payment"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build());
		assertThat(again.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(again.body()).get("paymentId").asText())
			.isEqualTo(orders.get(UUID.fromString(anyOrder)).paymentId().toString());
		assertThat(stock()).isEqualTo(STOCK - countOrdersSinceStock());
	}

	private int ordersSinceStock;

	private int countOrdersSinceStock() {
		return this.ordersSinceStock;
	}

	private void setStock() throws Exception {
		HttpResponse<String> stocked = send(HttpRequest.newBuilder(uri("/products/" + PRODUCT))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"price\":\"19.99\",\"stock\":" + STOCK + "}"))
			.build());
		assertThat(stocked.statusCode()).isEqualTo(200);
		synchronized (placed) {
			this.ordersSinceStock = 0;
		}
	}

	private HttpRequest placeOrder() {
		synchronized (placed) {
			this.ordersSinceStock++;
		}
		return HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"productId\":" + PRODUCT + ",\"quantity\":1}]}"))
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	private int stock() throws Exception {
		return this.json.readTree(send(HttpRequest.newBuilder(uri("/products/" + PRODUCT)).build()).body())
			.get("stock")
			.asInt();
	}

	/**
	 * The killed or terminated instance as the storefront's balancer sees it.
	 */
	@SuppressWarnings("unchecked")
	private Map<String, Object> instance(int paymentsPort) throws Exception {
		HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/actuator/hyperlane/loadbalancers")).build());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
		Map<String, Object> balancers = this.json.readValue(response.body(), Map.class);
		Map<String, Object> payments = (Map<String, Object>) balancers.get("payments");
		assertThat(payments).as(response.body()).isNotNull();
		Map<String, Object> instances = (Map<String, Object>) payments.get("instances");
		Map<String, Object> instance = (Map<String, Object>) instances.get("127.0.0.1:" + paymentsPort);
		assertThat(instance).as(response.body()).isNotNull();
		return instance;
	}

	private static long number(Map<String, Object> instance, String name) {
		return ((Number) instance.get(name)).longValue();
	}

	/**
	 * Mark a key as being authorized by another instance, from now on for a minute, so that a request with it waits
	 * (up to {@code payments.idempotency.wait-timeout}) instead of authorizing it.
	 */
	private void holdKey(String key) throws Exception {
		PaymentRequest request = new PaymentRequest(new BigDecimal("5.00"), "EUR", key);
		Timestamp until = Timestamp.from(Instant.now().plusSeconds(60));
		try (Connection connection = postgres.connect(); PreparedStatement insert = connection.prepareStatement(
				"INSERT INTO " + paymentsSchema + ".payment (id, idempotency_key, request_fingerprint, order_reference, "
						+ "amount, currency, status, instance, created_at, updated_at) VALUES (?, ?, ?, ?, 5.00, 'EUR', "
						+ "'PROCESSING', 'held-by-the-test', ?, ?)")) {
			insert.setObject(1, UUID.randomUUID());
			insert.setString(2, key);
			insert.setString(3, request.fingerprint());
			insert.setString(4, key);
			insert.setTimestamp(5, until);
			insert.setTimestamp(6, until);
			assertThat(insert.executeUpdate()).isEqualTo(1);
		}
	}

	private void releaseKeys(List<String> keys) throws Exception {
		try (Connection connection = postgres.connect(); PreparedStatement update = connection.prepareStatement(
				"UPDATE " + paymentsSchema + ".payment SET status = 'AUTHORIZED', authorization_code = 'HELD', "
						+ "updated_at = now() WHERE idempotency_key = ? AND status = 'PROCESSING'")) {
			for (String key : keys) {
				update.setString(1, key);
				assertThat(update.executeUpdate()).isEqualTo(1);
			}
		}
	}

	/**
	 * Wait until an instance has at least a number of {@code POST} requests open, on three reads in a row 100 ms
	 * apart (the storefront's own requests finish within milliseconds; the held ones stay). The active-request
	 * meter is tagged when a request starts, before its route is known, so it is read by method only.
	 */
	private void awaitActivePaymentRequests(ServiceProcess payments, int atLeast) throws Exception {
		URI metric = payments.uri("/actuator/metrics/http.server.requests.active?tag=method:POST");
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		int inARow = 0;
		double active = 0;
		while (inARow < 3 && System.nanoTime() < deadline) {
			HttpResponse<String> response = send(HttpRequest.newBuilder(metric).build());
			active = 0;
			if (response.statusCode() == 200) {
				for (JsonNode measurement : this.json.readTree(response.body()).get("measurements")) {
					if (measurement.get("statistic").asText().equals("ACTIVE_TASKS")) {
						active = measurement.get("value").asDouble();
					}
				}
			}
			inARow = (active >= atLeast) ? inARow + 1 : 0;
			Thread.sleep(100);
		}
		assertThat(inARow).as("reads with at least %d open payment requests (last: %s)", atLeast, active)
			.isEqualTo(3);
	}

	private Map<UUID, StoredOrder> storedOrders() {
		List<StoredOrder> rows = this.storefrontDatabase.sql("SELECT id, status, payment_id FROM customer_order")
			.map((row) -> new StoredOrder(row.get("id", UUID.class), row.get("status", String.class),
					row.get("payment_id", UUID.class)))
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
		Map<UUID, StoredOrder> orders = new HashMap<>();
		rows.forEach((order) -> orders.put(order.id(), order));
		return orders;
	}

	private List<StoredPayment> storedPayments() throws Exception {
		List<StoredPayment> payments = new ArrayList<>();
		try (Connection connection = postgres.connect();
				PreparedStatement select = connection.prepareStatement("SELECT id, idempotency_key, order_reference, "
						+ "status FROM " + paymentsSchema + ".payment WHERE idempotency_key NOT LIKE 'held-%'");
				ResultSet rows = select.executeQuery()) {
			while (rows.next()) {
				payments.add(new StoredPayment(rows.getObject("id", UUID.class), rows.getString("idempotency_key"),
						rows.getString("order_reference"), rows.getString("status")));
			}
		}
		return payments;
	}

	private static HttpRequest authorization(URI uri, String key) {
		return HttpRequest.newBuilder(uri)
			.header("Idempotency-Key", key)
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers
				.ofString("{\"amount\":\"5.00\",\"currency\":\"EUR\",\"orderReference\":\"" + key + "\"}"))
			.timeout(Duration.ofSeconds(60))
			.build();
	}

	private List<Future<HttpResponse<String>>> placeOrders(ExecutorService callers, int orders, CountDownLatch placed) {
		List<Future<HttpResponse<String>>> answers = new ArrayList<>();
		for (int i = 0; i < orders; i++) {
			answers.add(callers.submit(() -> {
				try {
					return send(placeOrder());
				}
				finally {
					placed.countDown();
				}
			}));
		}
		return answers;
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static ServiceProcess startPayments(String instance, int port) {
		try {
			Path configuration = LOGS.resolve("sample-payments.yml").toAbsolutePath();
			Files.createDirectories(LOGS);
			Files.writeString(configuration, PaymentsInstances.configurationText());
			List<String> arguments = new ArrayList<>(List.of("--spring.config.location=file:" + configuration,
					"--payments.instance-id=" + instance, "--payments.acquirer.latency=30ms",
					// a payment the killed instance left processing is taken over by the retry on the other one
					"--payments.idempotency.processing-timeout=2s", "--payments.idempotency.wait-timeout=20s",
					"--spring.reactor.netty.shutdown-quiet-period=0s", "--spring.main.banner-mode=off",
					"--hyperlane.live-view.enabled=false"));
			arguments.addAll(postgres.springArguments(paymentsSchema));
			return ServiceProcess.start(instance, PaymentsApplication.class, port, LOGS, arguments);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private record StoredOrder(UUID id, String status, UUID paymentId) {

	}

	private record StoredPayment(UUID id, String idempotencyKey, String orderReference, String status) {

	}

}
