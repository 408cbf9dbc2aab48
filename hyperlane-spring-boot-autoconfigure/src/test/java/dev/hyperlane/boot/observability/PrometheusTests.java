package dev.hyperlane.boot.observability;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.hyperlane.boot.testsupport.FreePort;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard and alert rules in {@code deploy/} against a running application with the starter (an in-test
 * storefront whose {@code @LoadBalanced WebClient} calls a Reactor Netty peer as the {@code payments} service):
 * every metric name they query is in a real {@code /actuator/prometheus} scrape, the rules pass
 * {@code promtool check rules}, and a real Prometheus server (Debian's {@code prometheus} package) scrapes the
 * application and answers a query over a Reactor Netty meter. Without {@code promtool} or {@code prometheus} on the
 * machine the test fails when {@code CI} is set ({@code .ci/services} installs them) and is skipped otherwise. Every
 * request is traced and exemplars are switched off: Prometheus 2.42 fails the scrape on Micrometer's exemplars.
 */
class PrometheusTests {

	static final Path DEPLOY = Path.of("..", "deploy");

	static final Path DASHBOARD = DEPLOY.resolve("grafana/hyperlane-dashboard.json");

	static final Path RULES = DEPLOY.resolve("prometheus/hyperlane-alerts.yml");

	private static final Pattern METRIC = Pattern
		.compile("\\b((?:reactor_netty|hyperlane|http_server_requests|http_client_requests|jvm)_[a-z0-9_]+)\\b");

	private static DisposableServer payments;

	private static ConfigurableApplicationContext app;

	private static String scrape;

	@BeforeAll
	static void startApplication() {
		payments = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/pay/{id}",
					(request, response) -> response.sendString(Mono.just("paid " + request.param("id")))))
			.bindNow();
		app = ObservedApp.start(
				"spring.cloud.discovery.client.simple.instances.payments[0].uri=http://127.0.0.1:" + payments.port(),
				"hyperlane.client.services.payments.max-connections=8",
				// every request sampled, so exemplars would be attached: Debian 12's Prometheus (2.42) refuses them
				"management.tracing.sampling.probability=1.0", "hyperlane.observability.metrics.exemplars=false");
		for (int i = 0; i < 20; i++) {
			assertThat(ObservedApp.get(base() + "/checkout/" + i)).isEqualTo("paid " + i);
		}
		scrape = ObservedApp.get(base() + "/actuator/prometheus");
	}

	@AfterAll
	static void stopApplication() {
		if (app != null) {
			app.close();
		}
		if (payments != null) {
			payments.disposeNow(Duration.ofSeconds(5));
		}
	}

	private static String base() {
		return "http://127.0.0.1:" + ObservedApp.port(app);
	}

	@Test
	void everyMetricTheDashboardAndTheRulesQueryIsScraped() throws IOException {
		Set<String> scraped = scrape.lines()
			.filter((line) -> !line.startsWith("#") && !line.isBlank())
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> queried = new TreeSet<>();
		queried.addAll(metricNames(Files.readString(DASHBOARD)));
		queried.addAll(metricNames(Files.readString(RULES)));
		assertThat(queried).as("metric names in the dashboard and the rules")
			.contains("http_server_requests_seconds_bucket", "http_client_requests_seconds_bucket",
					"reactor_netty_connection_provider_pending_connections", "hyperlane_eventloop_pending_tasks", "hyperlane_loadbalancer_instance_latency_seconds",
					"hyperlane_client_retries_denied_total", "hyperlane_direct_memory_used_bytes");
		assertThat(scraped).as("metric names in a scrape of the running application").containsAll(queried);
	}

	@Test
	void poolBalancerAndRetryMetersCarryTheLiveFigures() {
		String instance = "address=\"127.0.0.1:" + payments.port() + "\",service=\"payments\"";
		assertThat(value("hyperlane_loadbalancer_instance_successes_total{" + instance + "}")).isPositive();
		assertThat(value("hyperlane_loadbalancer_instance_ejected{" + instance + "}")).isZero();
		assertThat(value("hyperlane_client_requests_total{service=\"payments\"}")).isEqualTo(20.0);
		assertThat(value("hyperlane_client_retry_budget_remaining{service=\"payments\"}")).isPositive();
		assertThat(scrape.lines()
			.filter((line) -> line.startsWith("reactor_netty_connection_provider_max_connections{")
					&& line.contains("name=\"hyperlane-payments\""))
			.map((line) -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))).containsExactly(8.0);
		assertThat(scrape.lines()
			.filter((line) -> line.startsWith("http_server_requests_seconds_bucket{")
					&& line.contains("uri=\"/checkout/{id}\"") && line.contains("le=\"0.005\"")))
			.hasSize(1);
		// one instrumentation per request: Reactor Netty's own request meters are off by default
		assertThat(scrape).doesNotContain("reactor_netty_http_server_", "reactor_netty_http_client_");
	}

	private static double value(String series) {
		return scrape.lines()
			.filter((line) -> line.startsWith(series + " "))
			.map((line) -> Double.parseDouble(line.substring(series.length() + 1).trim().split(" ")[0]))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no series " + series + " in the scrape"));
	}

	@Test
	void theEndpointShowsWhatIsOnAndTheUriTagCounts() {
		String section = ObservedApp.get(base() + "/actuator/hyperlane/observability");
		assertThat(section).contains("\"cap\":100", "\"contextPropagation\":\"limited\"", "\"handlerScope\":true",
				"\"server\":false", "\"loadBalancer\":true");
	}

	static Set<String> metricNames(String text) {
		Set<String> names = new TreeSet<>();
		Matcher matcher = METRIC.matcher(text);
		while (matcher.find()) {
			names.add(matcher.group(1));
		}
		return names;
	}

	@Test
	void rulesPassPromtool() throws Exception {
		String promtool = required("promtool");
		Process process = new ProcessBuilder(promtool, "check", "rules", RULES.toString()).redirectErrorStream(true)
			.start();
		String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as(out).isZero();
		assertThat(out).contains("SUCCESS: 4 rules found");
	}

	@Test
	void realPrometheusScrapesTheApplicationAndAnswersAQuery(@TempDir Path dir) throws Exception {
		String prometheus = required("prometheus");
		int port = FreePort.find();
		Path config = dir.resolve("prometheus.yml");
		Files.writeString(config, """
				global:
				  scrape_interval: 5s
				  scrape_timeout: 5s
				  evaluation_interval: 5s
				rule_files:
				  - %s
				scrape_configs:
				  - job_name: hyperlane
				    metrics_path: /actuator/prometheus
				    static_configs:
				      - targets: ['127.0.0.1:%d']
				""".formatted(RULES.toAbsolutePath().normalize(), ObservedApp.port(app)));
		Path log = dir.resolve("prometheus.log");
		Process process = new ProcessBuilder(prometheus, "--config.file=" + config,
				"--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
			.redirectErrorStream(true)
			.redirectOutput(log.toFile())
			.start();
		try {
			String query = "http://127.0.0.1:" + port + "/api/v1/query?query="
					+ "sum(http_server_requests_seconds_count%7Bjob%3D%22hyperlane%22%7D)";
			String answer = "";
			long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
			while (System.nanoTime() < deadline && process.isAlive()) {
				answer = tryGet(query);
				if (answer.contains("\"result\":[{")) {
					break;
				}
				Thread.sleep(250);
			}
			String targets = tryGet("http://127.0.0.1:" + port + "/api/v1/targets");
			assertThat(answer).as("Prometheus's answer (targets: %s; log: %s)", targets, tail(log))
				.contains("\"status\":\"success\"")
				.contains("\"result\":[{");
			String rules = ObservedApp.get("http://127.0.0.1:" + port + "/api/v1/rules");
			assertThat(rules).contains("HyperlanePendingAcquiresSustained", "HyperlaneInstanceEjected",
					"HyperlaneRetryBudgetExhausted", "HyperlaneDirectMemoryNearCeiling");
		}
		finally {
			process.destroy();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
	}

	private static String tryGet(String url) {
		try {
			return ObservedApp.get(url);
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	private static String tail(Path log) throws IOException {
		if (!Files.exists(log)) {
			return "(none)";
		}
		List<String> lines = new ArrayList<>(Files.readAllLines(log));
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
	}

	/**
	 * Return the path of a program from Debian's {@code prometheus} package; fail in CI when it is missing, skip
	 * elsewhere.
	 */
	static String required(String program) {
		for (String dir : (System.getenv("PATH") + File.pathSeparator + "/usr/bin").split(File.pathSeparator)) {
			File file = new File(dir, program);
			if (file.canExecute()) {
				return file.getPath();
			}
		}
		String message = program + " is not installed: install Debian's prometheus package"
				+ " (apt-get install prometheus; .ci/services does it)";
		if (System.getenv("CI") != null) {
			throw new AssertionError(message);
		}
		Assumptions.abort(message);
		return program;
	}

}
