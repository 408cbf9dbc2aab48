package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import dev.hyperlane.boot.testsupport.FreePort;
import dev.hyperlane.samples.payments.PaymentsApplication;
import dev.hyperlane.samples.testsupport.PostgresAddress;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import dev.hyperlane.samples.testsupport.ServiceProcess;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Instance churn through a real registry, every part a process of its own: sample-registry (the Eureka server, from
 * its executable jar), two sample-payments instances and the storefront, both samples with the {@code eureka}
 * profile, so the storefront finds payments only through the registry. Four callers place orders without a pause
 * while
 * <ol>
 * <li>a third payments instance (c) starts: it registers and is served payments within seconds;</li>
 * <li>instance b gets SIGTERM: it deregisters, keeps serving for its deregistration delay while the storefront's
 * next registry fetch drops it, then drains (Spring's graceful shutdown) and exits with 143;</li>
 * <li>instance a gets SIGKILL (no deregistration; the balancer ejects it on failures and retries its calls on
 * another instance with the same {@code Idempotency-Key}) and is started again on the same port.</li>
 * </ol>
 * Every order is answered 201 {@code PAID} or 503 "Payment pending"; after the storefront's background retry every
 * order has exactly one authorized payment in PostgreSQL (and no payment lacks its order); c and the restarted a
 * authorized payments; b, which left for good, and Eureka's upper-case service name are gone from
 * {@code /actuator/hyperlane/loadbalancers}. The figures printed at the end are those of README.md, "Running with
 * a registry". Every process is killed at the end, and by a shutdown hook when this JVM ends first.
 */
@Timeout(300)
class RegistryChurnIT {

	private static final Path LOGS = Path.of("target", "churn-test");

	private static final Duration START = Duration.ofSeconds(150);

	private static final int CALLERS = 4;

	private static final long PRODUCT = 23;

	private static final PostgresAddress postgres = SampleInfrastructure.postgres();

	private static final String paymentsSchema = SampleInfrastructure.schema("churn_payments");

	private static final String storefrontSchema = SampleInfrastructure.schema("churn_storefront");

	private static final List<ServiceProcess> processes = Collections.synchronizedList(new ArrayList<>());

	private static ServiceProcess registry;

	private static ServiceProcess storefront;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private final ObjectMapper json = new ObjectMapper();

	private final List<HttpResponse<String>> answers = Collections.synchronizedList(new ArrayList<>());

	private final List<String> unexpected = Collections.synchronizedList(new ArrayList<>());

	@BeforeAll
	static void registryAndStorefront() {
		String jar = System.getProperty("registry.exec-jar");
		assertThat(jar).as("system property registry.exec-jar (set by the failsafe configuration)").isNotNull();
		assertThat(Path.of(jar)).as("sample-registry's executable jar; build it with mvn verify").exists();
		registry = track(ServiceProcess.startJar("registry", Path.of(jar), List.of(), FreePort.find(), LOGS,
				List.of("--spring.main.banner-mode=off")));
		// migrated once, before any instance starts, so that they do not race to create it
		Flyway payments = Flyway.configure().locations("classpath:db/payments").schemas(paymentsSchema)
			.dataSource(postgres.jdbcUrl(), postgres.user(), postgres.password()).load();
		payments.migrate();
		List<String> arguments = new ArrayList<>(eureka());
		arguments.addAll(List.of("--catalog.cache.type=in-process", "--orders.pending-retry.interval=2s",
				// a call may wait for the take-over of a payment the killed instance left processing
				"--hyperlane.client.services.payments.response-timeout=10s",
				"--hyperlane.loadbalancer.ejection.base-time=1s", "--hyperlane.loadbalancer.ejection.max-time=4s",
				"--hyperlane.loadbalancer.slow-start.window=10s", "--hyperlane.loadbalancer.decay=2s"));
		arguments.addAll(postgres.springArguments(storefrontSchema));
		storefront = track(ServiceProcess.start("storefront", EcommerceApplication.class, FreePort.find(),
				LOGS, arguments));
		registry.awaitReady(START);
	}

	@AfterAll
	static void killEverythingAndDropTheSchemas() {
		processes.forEach(ServiceProcess::close);
		postgres.dropSchema(paymentsSchema);
		postgres.dropSchema(storefrontSchema);
	}

	@Test
	void ordersThroughAScaleOutASigtermAndASigkillAreEachPaidExactlyOnce() throws Exception {
		ServiceProcess a = startPayments("payments-a", FreePort.find());
		ServiceProcess b = startPayments("payments-b", FreePort.find());
		for (ServiceProcess process : List.of(a, b, storefront)) {
			process.awaitReady(START);
		}
		setStock(1_000_000);
		AtomicBoolean placing = new AtomicBoolean(true);
		ExecutorService callers = Executors.newFixedThreadPool(CALLERS);
		Map<String, Object> figures = new LinkedHashMap<>();
		try {
			for (int i = 0; i < CALLERS; i++) {
				callers.submit(() -> placeOrdersWhile(placing));
			}
			awaitTrue("a and b both serve payments", Duration.ofSeconds(60),
					() -> paymentsBy("payments-a") > 0 && paymentsBy("payments-b") > 0);

			// scale out: c registers and is chosen within seconds
			int phase = this.answers.size();
			ServiceProcess c = startPayments("payments-c", FreePort.find());
			String cKey = "127.0.0.1:" + c.port();
			awaitTrue("c listed by the storefront's balancer", START.plusSeconds(30),
					() -> balancerInstances().containsKey(cKey));
			Instant cListed = Instant.now();
			c.awaitReady(START);
			Instant cReady = Instant.now();
			awaitTrue("c serves payments", Duration.ofSeconds(30), () -> paymentsBy("payments-c") > 0);
			figures.put("c: listed by the balancer, ms after its readiness", millis(cReady, cListed));
			figures.put("c: first payment, ms after its readiness", millis(cReady, firstPaymentOf("payments-c")));
			figures.put("503 while c joined", pendingSince(phase));

			// scale in: b deregisters, keeps serving during its delay, then drains and exits
			phase = this.answers.size();
			Instant sigterm = Instant.now();
			b.terminate();
			assertThat(b.awaitExit(Duration.ofSeconds(60))).as("b ended after SIGTERM").isTrue();
			assertThat(b.process().exitValue()).as("exit status after SIGTERM:\n" + b.logTail()).isEqualTo(143);
			figures.put("b: SIGTERM to exit (ms)", millis(sigterm, Instant.now()));
			figures.put("b: last payment after SIGTERM (ms)", millis(sigterm, lastPaymentOf("payments-b")));
			figures.put("503 while b left", pendingSince(phase));

			// a vanishes: no deregistration, failures eject it, its calls are retried elsewhere; then it comes back
			phase = this.answers.size();
			Instant sigkill = Instant.now();
			a.kill();
			assertThat(a.process().exitValue()).as("exit status of SIGKILL").isEqualTo(137);
			ServiceProcess restarted = startPayments("payments-a-restarted", a.port());
			restarted.awaitReady(START);
			Instant aBack = Instant.now();
			awaitTrue("the restarted a serves payments", Duration.ofSeconds(30),
					() -> paymentsBy("payments-a-restarted") > 0);
			figures.put("a: SIGKILL to ready again (ms)", millis(sigkill, aBack));
			figures.put("restarted a: first payment after its readiness (ms)",
					millis(aBack, firstPaymentOf("payments-a-restarted")));
			figures.put("503 while a was killed and restarted", pendingSince(phase));

			// b left for good: its balancer entry goes with it (orders keep coming, so the balancer keeps choosing)
			Instant lookedFrom = Instant.now();
			boolean bGone = awaitQuietly(Duration.ofSeconds(30), () -> !balancerInstances().containsKey(
					"127.0.0.1:" + b.port()));
			figures.put("b gone from the balancer endpoint", bGone ? "after " + millis(sigterm, Instant.now())
					+ " ms from SIGTERM" : "no, " + millis(lookedFrom, Instant.now()) + " ms of looking");
		}
		finally {
			placing.set(false);
			callers.shutdown();
			assertThat(callers.awaitTermination(90, TimeUnit.SECONDS)).as("callers finished").isTrue();
		}
		JsonNode balancers = balancers();
		assertThat(this.unexpected).as("answers other than 201 PAID or 503 Payment pending").isEmpty();
		long created = this.answers.stream().filter((answer) -> answer.statusCode() == 201).count();
		figures.put("orders", this.answers.size());
		figures.put("answered 201 PAID", created);
		figures.put("answered 503 and paid later", this.answers.size() - created);
		figures.put("retries on another instance", balancers.path("payments").path("retriesOnAnotherInstance"));
		figures.put("payments per instance", paymentsPerInstance());

		awaitTrue("every pending order paid by the background retry", Duration.ofSeconds(60),
				() -> count("SELECT count(*) FROM " + storefrontSchema + ".customer_order WHERE status <> 'PAID'") == 0);
		assertEveryOrderPaidExactlyOnce();
		System.out.println("Registry churn: " + figures);

		assertThat(figures.get("b gone from the balancer endpoint")).as("b, departed, in the balancer endpoint: "
				+ balancers.path("payments")).asString().startsWith("after");
		assertThat(balancers.has("PAYMENTS")).as("Eureka's upper-case service name in " + balancers).isFalse();
	}

	private void assertEveryOrderPaidExactlyOnce() {
		long orders = count("SELECT count(*) FROM " + storefrontSchema + ".customer_order");
		assertThat(orders).as("orders stored").isEqualTo(this.answers.size());
		assertThat(count("SELECT count(*) FROM " + storefrontSchema + ".customer_order o WHERE (SELECT count(*) FROM "
				+ paymentsSchema + ".payment p WHERE p.idempotency_key = o.payment_key AND p.status = 'AUTHORIZED'"
				+ " AND p.id = o.payment_id AND p.order_reference = o.id::text) <> 1"))
			.as("orders without exactly one authorized payment, the one they name")
			.isZero();
		assertThat(count("SELECT count(*) FROM " + paymentsSchema + ".payment p WHERE NOT EXISTS (SELECT 1 FROM "
				+ storefrontSchema + ".customer_order o WHERE o.payment_key = p.idempotency_key)"))
			.as("payments without their order")
			.isZero();
		assertThat(count("SELECT count(*) FROM " + paymentsSchema + ".payment")).as("payments").isEqualTo(orders);
	}

	private void placeOrdersWhile(AtomicBoolean placing) {
		HttpRequest order = HttpRequest.newBuilder(storefront.uri("/orders"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"items\":[{\"productId\":" + PRODUCT + ",\"quantity\":1}]}"))
			.timeout(Duration.ofSeconds(60))
			.build();
		while (placing.get()) {
			try {
				HttpResponse<String> answer = this.http.send(order, HttpResponse.BodyHandlers.ofString());
				this.answers.add(answer);
				if (!paidOrPending(answer)) {
					this.unexpected.add(answer.statusCode() + " " + answer.body());
				}
			}
			catch (IOException ex) {
				this.unexpected.add("no answer: " + ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	private long pendingSince(int from) {
		synchronized (this.answers) {
			return this.answers.subList(from, this.answers.size()).stream()
				.filter((answer) -> answer.statusCode() == 503)
				.count();
		}
	}

	private boolean paidOrPending(HttpResponse<String> answer) {
		JsonNode body = this.json.readTree(answer.body());
		if (answer.statusCode() == 201) {
			return body.path("status").asText().equals("PAID");
		}
		return answer.statusCode() == 503 && body.path("title").asText().equals("Payment pending")
				&& answer.headers().firstValue("Retry-After").isPresent();
	}

	private void setStock(int stock) throws Exception {
		HttpResponse<String> answer = this.http.send(HttpRequest.newBuilder(storefront.uri("/products/" + PRODUCT))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"price\":\"4.99\",\"stock\":" + stock + "}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
	}

	private JsonNode balancers() {
		try {
			HttpResponse<String> answer = this.http.send(
					HttpRequest.newBuilder(storefront.uri("/actuator/hyperlane/loadbalancers")).build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
			return this.json.readTree(answer.body());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private Map<String, JsonNode> balancerInstances() {
		Map<String, JsonNode> instances = new LinkedHashMap<>();
		balancers().path("payments").path("instances").properties().forEach((e) -> instances.put(e.getKey(), e.getValue()));
		return instances;
	}

	private static List<String> eureka() {
		return List.of("--spring.profiles.active=eureka",
				"--eureka.client.service-url.defaultZone=" + registry.uri("/eureka/"),
				"--eureka.instance.ip-address=127.0.0.1", "--spring.reactor.netty.shutdown-quiet-period=0s",
				"--spring.main.banner-mode=off", "--hyperlane.live-view.enabled=false",
				"--logging.level.dev.hyperlane.samples=ERROR");
	}

	private static ServiceProcess startPayments(String instance, int port) {
		List<String> arguments = new ArrayList<>(eureka());
		arguments.add("--spring.config.location=file:" + paymentsConfiguration());
		arguments.add("--payments.instance-id=" + instance);
		// payments left processing by the killed instance are taken over after 2 s by a retry elsewhere
		arguments.addAll(List.of("--payments.acquirer.latency=30ms", "--payments.idempotency.processing-timeout=2s",
				"--payments.idempotency.wait-timeout=20s"));
		arguments.addAll(postgres.springArguments(paymentsSchema));
		return track(ServiceProcess.start(instance, PaymentsApplication.class, port, LOGS, arguments));
	}

	/**
	 * sample-payments' own {@code application.yml}, as a file: this class path finds the storefront's first.
	 */
	private static Path paymentsConfiguration() {
		Path file = LOGS.resolve("payments-application.yml").toAbsolutePath();
		try {
			if (!Files.exists(file)) {
				Files.createDirectories(LOGS);
				Files.writeString(file, PaymentsInstances.configurationText());
			}
			return file;
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static ServiceProcess track(ServiceProcess process) {
		processes.add(process);
		return process;
	}

	private long paymentsBy(String instance) {
		return count("SELECT count(*) FROM " + paymentsSchema + ".payment WHERE instance = '" + instance + "'");
	}

	private Instant firstPaymentOf(String instance) {
		return instant("SELECT min(created_at) FROM " + paymentsSchema + ".payment WHERE instance = '" + instance + "'");
	}

	private Instant lastPaymentOf(String instance) {
		return instant("SELECT max(created_at) FROM " + paymentsSchema + ".payment WHERE instance = '" + instance + "'");
	}

	private Map<String, Long> paymentsPerInstance() {
		Map<String, Long> counts = new LinkedHashMap<>();
		query("SELECT instance, count(*) FROM " + paymentsSchema + ".payment GROUP BY instance ORDER BY instance",
				(rows) -> {
					while (rows.next()) {
						counts.put(rows.getString(1), rows.getLong(2));
					}
					return counts;
				});
		return counts;
	}

	private static long count(String sql) {
		return query(sql, (rows) -> rows.next() ? rows.getLong(1) : 0L);
	}

	private static Instant instant(String sql) {
		return query(sql, (rows) -> rows.next() ? rows.getTimestamp(1).toInstant() : null);
	}

	private static <T> T query(String sql, Rows<T> rows) {
		try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			return rows.read(result);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(sql, ex);
		}
	}

	private static long millis(Instant from, Instant to) {
		return Duration.between(from, to).toMillis();
	}

	private static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) {
		if (!awaitQuietly(timeout, condition)) {
			fail(what + ": not within " + timeout + "\nstorefront:\n" + storefront.logTail());
		}
	}

	private static boolean awaitQuietly(Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (condition.getAsBoolean()) {
				return true;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return condition.getAsBoolean();
	}

	@FunctionalInterface
	private interface Rows<T> {

		T read(ResultSet rows) throws SQLException;

	}

}
