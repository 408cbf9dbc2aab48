package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.hyperlane.samples.ecommerce.checkout.Orders;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
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
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checkout end to end over real PostgreSQL: the storefront (schema {@code checkout_storefront}) pays orders through
 * its {@code @LoadBalanced} client over two real sample-payments instances started in this JVM on port 0 (sharing
 * schema {@code checkout_payments}, each with its own configuration file). After a third of the orders, instance
 * b is stopped while orders keep coming. Every order ends {@code PAID} with exactly one authorized payment, or
 * {@code PENDING} with at most one; no payment is duplicated, left processing or made for an order that does not
 * exist; and paying the pending orders again charges each exactly once. Before that (both instances up), invalid
 * orders are refused before anything is stored, and a declined payment puts the stock back.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SampleInfrastructure.SCHEMA_PROPERTY + "=checkout_storefront", "catalog.cache.type=in-process",
				"orders.pending-retry.interval=0s", "spring.reactor.netty.shutdown-quiet-period=0s" })
@Import(SampleInfrastructure.class)
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CheckoutTests {

	private static final int ORDERS = 60;

	private static final int BEFORE_STOP = 20;

	private static final long PRODUCT = 11;

	private static final int STOCK = 1000;

	private static ConfigurableApplicationContext paymentsA;

	private static ConfigurableApplicationContext paymentsB;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	Orders orders;

	@DynamicPropertySource
	static void paymentsInstances(DynamicPropertyRegistry registry) {
		paymentsA = startPayments("payments-a");
		paymentsB = startPayments("payments-b");
		int portA = PaymentsInstances.port(paymentsA);
		int portB = PaymentsInstances.port(paymentsB);
		String instances = "spring.cloud.discovery.client.simple.instances.payments";
		registry.add(instances + "[0].uri", () -> "http://127.0.0.1:" + portA);
		registry.add(instances + "[1].uri", () -> "http://127.0.0.1:" + portB);
	}

	@AfterAll
	static void stopPayments() {
		for (ConfigurableApplicationContext payments : new ConfigurableApplicationContext[] { paymentsA, paymentsB }) {
			if (payments != null && payments.isActive()) {
				payments.close();
			}
		}
	}

	@Test
	@Order(1)
	void invalidOrdersAreRefusedBeforeAnythingIsStored() throws Exception {
		assertProblem(send(order("{\"items\":[]}")), 400);
		assertProblem(send(order("{\"items\":[{\"productId\":99999,\"quantity\":1}]}")), 404);
		int stock = stock(12);
		assertProblem(send(order("{\"items\":[{\"productId\":12,\"quantity\":" + (stock + 1) + "}]}")), 409);
		assertThat(stock(12)).isEqualTo(stock);
		assertProblem(send(HttpRequest.newBuilder(uri("/orders/" + UUID.randomUUID() + "/payment"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build()), 404);
	}

	@Test
	@Order(2)
	void declinedPaymentPutsTheStockBack() throws Exception {
		assertThat(send(HttpRequest.newBuilder(uri("/products/13"))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"price\":\"20.00\",\"stock\":1000}"))
			.build()).statusCode()).isEqualTo(200);
		// 600 x 20.00 is above the payments sample's limit of 10000.00
		HttpResponse<String> declined = send(order("{\"items\":[{\"productId\":13,\"quantity\":600}]}"));
		assertProblem(declined, 402);
		String id = this.json.readTree(declined.body()).get("orderId").asText();
		assertThat(this.json.readTree(send(HttpRequest.newBuilder(uri("/orders/" + id)).build()).body())
			.get("status")
			.asText()).isEqualTo("DECLINED");
		assertThat(stock(13)).isEqualTo(1000);
		assertThat(paymentsByOrder().get(id)).singleElement()
			.satisfies((payment) -> assertThat(payment.get("status")).isEqualTo("DECLINED"));
	}

	@Test
	@Order(3)
	void everyOrderEndsPaidExactlyOnceOrPendingWhenAPaymentsInstanceStopsMidway() throws Exception {
		HttpResponse<String> stocked = send(HttpRequest.newBuilder(uri("/products/" + PRODUCT))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"price\":\"19.99\",\"stock\":" + STOCK + "}"))
			.build());
		assertThat(stocked.statusCode()).isEqualTo(200);

		ExecutorService callers = Executors.newFixedThreadPool(4);
		List<Future<HttpResponse<String>>> placed = new ArrayList<>();
		try {
			for (int i = 0; i < BEFORE_STOP; i++) {
				placed.add(callers.submit(() -> send(placeOrder())));
			}
			for (Future<HttpResponse<String>> order : placed) {
				order.get(30, TimeUnit.SECONDS);
			}
			assertThat(paymentRows("instance = 'payments-b'")).as("instance b served before it stopped").isPositive();
			Thread stopper = new Thread(paymentsB::close, "stop-payments-b");
			stopper.start();
			for (int i = BEFORE_STOP; i < ORDERS; i++) {
				placed.add(callers.submit(() -> send(placeOrder())));
			}
			for (Future<HttpResponse<String>> order : placed) {
				order.get(60, TimeUnit.SECONDS);
			}
			stopper.join(30_000);
			assertThat(paymentsB.isActive()).isFalse();
		}
		finally {
			callers.shutdownNow();
		}

		Map<String, String> answered = new HashMap<>();
		for (Future<HttpResponse<String>> future : placed) {
			HttpResponse<String> response = future.get();
			assertThat(response.statusCode()).as(response.body()).isIn(201, 503);
			String id = response.headers().firstValue("Location").orElseThrow().substring("/orders/".length());
			answered.put(id, (response.statusCode() == 201) ? "PAID" : "PENDING");
		}
		assertThat(answered).hasSize(ORDERS);
		assertPaidExactlyOnceOrPending(answered);

		// paying the pending orders again charges each exactly once, whichever instance answers
		List<String> pending = new ArrayList<>(answered.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().equals("PENDING"))
			.map(Map.Entry::getKey)
			.toList());
		// first the background retry's pass over every pending order, then the callers' retries
		long settled = this.orders.retryPending(Instant.now().plusSeconds(1), ORDERS).block(Duration.ofSeconds(60));
		for (String id : List.copyOf(pending)) {
			JsonNode order = this.json.readTree(send(HttpRequest.newBuilder(uri("/orders/" + id)).build()).body());
			if (order.get("status").asText().equals("PAID")) {
				pending.remove(id);
				answered.put(id, "PAID");
				settled--;
			}
		}
		assertThat(settled).as("orders the background pass reported settled").isZero();
		for (int round = 0; round < 30 && !pending.isEmpty(); round++) {
			for (String id : List.copyOf(pending)) {
				HttpResponse<String> paid = send(HttpRequest.newBuilder(uri("/orders/" + id + "/payment"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build());
				assertThat(paid.statusCode()).as(paid.body()).isIn(200, 503);
				if (paid.statusCode() == 200) {
					pending.remove(id);
					answered.put(id, "PAID");
				}
			}
			Thread.sleep(100);
		}
		assertThat(pending).as("orders still pending after retries").isEmpty();
		assertPaidExactlyOnceOrPending(answered);
		Map<String, List<Map<String, Object>>> byOrder = paymentsByOrder();
		assertThat(answered.keySet().stream().mapToInt((id) -> byOrder.getOrDefault(id, List.of()).size()).sum())
			.isEqualTo(ORDERS);
		JsonNode product = this.json.readTree(send(HttpRequest.newBuilder(uri("/products/" + PRODUCT)).build()).body());
		assertThat(product.get("stock").asInt()).isEqualTo(STOCK - ORDERS);
	}

	private void assertPaidExactlyOnceOrPending(Map<String, String> answered) throws Exception {
		Map<String, List<Map<String, Object>>> byOrder = paymentsByOrder();
		for (Map.Entry<String, List<Map<String, Object>>> payments : byOrder.entrySet()) {
			assertThat(payments.getValue()).as("payments left processing")
				.allSatisfy((row) -> assertThat(row.get("status")).isNotEqualTo("PROCESSING"));
			if (!answered.containsKey(payments.getKey())) {
				assertThat(send(HttpRequest.newBuilder(uri("/orders/" + payments.getKey())).build()).statusCode())
					.as("payment for an unknown order %s", payments.getKey())
					.isEqualTo(200);
			}
		}
		for (Map.Entry<String, String> order : answered.entrySet()) {
			JsonNode stored = this.json
				.readTree(send(HttpRequest.newBuilder(uri("/orders/" + order.getKey())).build()).body());
			List<Map<String, Object>> paymentsOfOrder = byOrder.getOrDefault(order.getKey(), List.of());
			assertThat(stored.get("status").asText()).isEqualTo(order.getValue());
			if (order.getValue().equals("PAID")) {
				assertThat(paymentsOfOrder).as("payments of paid order %s", order.getKey()).hasSize(1);
				assertThat(paymentsOfOrder.get(0).get("status")).isEqualTo("AUTHORIZED");
				assertThat(stored.get("paymentId").asText())
					.isEqualTo(String.valueOf(paymentsOfOrder.get(0).get("id")));
			}
			else {
				assertThat(paymentsOfOrder).as("payments of pending order %s", order.getKey())
					.hasSizeLessThanOrEqualTo(1);
			}
		}
	}

	private Map<String, List<Map<String, Object>>> paymentsByOrder() {
		List<Map<String, Object>> rows = paymentsA.getBean(DatabaseClient.class)
			.sql("SELECT id, order_reference, status FROM payment")
			.fetch()
			.all()
			.collectList()
			.block(Duration.ofSeconds(10));
		Map<String, List<Map<String, Object>>> byOrder = new HashMap<>();
		for (Map<String, Object> row : rows) {
			byOrder.computeIfAbsent(String.valueOf(row.get("order_reference")), (order) -> new ArrayList<>()).add(row);
		}
		return byOrder;
	}

	private long paymentRows(String condition) {
		return paymentsA.getBean(DatabaseClient.class)
			.sql("SELECT COUNT(*) AS n FROM payment WHERE " + condition)
			.map((row) -> row.get("n", Long.class))
			.one()
			.block(Duration.ofSeconds(10));
	}

	private HttpRequest placeOrder() {
		return order("{\"items\":[{\"productId\":" + PRODUCT + ",\"quantity\":1}]}");
	}

	private HttpRequest order(String body) {
		return HttpRequest.newBuilder(uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private int stock(long product) throws Exception {
		return this.json.readTree(send(HttpRequest.newBuilder(uri("/products/" + product)).build()).body())
			.get("stock")
			.asInt();
	}

	private void assertProblem(HttpResponse<String> response, int status) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
	}

	private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
		try {
			// bounded, naming the request: a request once went unanswered on a reused connection until the server's
			// read timeout (issue 14), so an answer that does not come fails here, fast, and says which
			return this.client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).get(30, TimeUnit.SECONDS);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof IOException io) ? io : new IOException(ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new AssertionError("no answer within 30 s to " + request.method() + " " + request.uri(), ex);
		}
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static ConfigurableApplicationContext startPayments(String instance) {
		return PaymentsInstances.start(List.of(SampleInfrastructure.class),
				"--" + SampleInfrastructure.SCHEMA_PROPERTY + "=checkout_payments",
				"--payments.instance-id=" + instance,
				"--payments.acquirer.latency=30ms", "--spring.lifecycle.timeout-per-shutdown-phase=10s");
	}

}
