package dev.hyperlane.boot.actuate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.testsupport.HeadlessChromium;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The live view in a real headless Chromium, against a running application under load: a WebFlux application
 * with the starter's auto-configuration whose {@code /checkout} calls two load-balanced services through the
 * documented {@code @LoadBalanced WebClient.builder()} bean, each with real Reactor Netty instances on port 0
 * ({@code payments}: two answering after 5 ms, one after 60 ms, peak EWMA with a 2 s decay so that the picture
 * settles within the run, at most 3 connections per instance; {@code inventory}: one healthy, one answering 503,
 * least request, ejected for 90 s, longer than the run). 900 requests at most 8 at a time over about
 * 9 seconds go to {@code /checkout} while the page polls every 500 ms; the page must then show every instance by
 * its {@code host:port} with live figures, the pools, the ejection of the broken instance and direct memory, load
 * nothing from another origin, and say so plainly when the application stops or the endpoint is not exposed.
 * <p>
 * The screenshot goes to {@code target/live-view.png} (and those of the two error states next to it); with
 * {@code -Dhyperlane.docs.screenshot=true} it is also copied to {@code docs/live-view.png}, the picture README
 * shows.
 */
@Timeout(120)
class LiveViewBrowserTests {

	private static final int REQUESTS = 900;

	private static final int CONCURRENCY = 8;

	private static final List<DisposableServer> payments = new ArrayList<>();

	private static final List<DisposableServer> inventory = new ArrayList<>();

	private static HeadlessChromium browser;

	@BeforeAll
	static void start() {
		browser = HeadlessChromium.start();
		payments.add(instance(Duration.ofMillis(5), 200));
		payments.add(instance(Duration.ofMillis(5), 200));
		payments.add(instance(Duration.ofMillis(60), 200));
		inventory.add(instance(Duration.ofMillis(2), 200));
		inventory.add(instance(Duration.ZERO, 503));
	}

	private static DisposableServer instance(Duration delay, int status) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.status(status)
				.sendString(Mono.just("ok").delayElement(delay)))
			.bindNow();
	}

	@AfterAll
	static void stop() {
		payments.forEach(DisposableServer::disposeNow);
		inventory.forEach(DisposableServer::disposeNow);
		if (browser != null) {
			browser.close();
		}
	}

	@Test
	void showsTheLiveInstancesUnderLoadAndSaysWhenTheApplicationStops() throws Exception {
		ConfigurableApplicationContext context = application("management.endpoints.web.exposure.include=health,hyperlane");
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		ConnectionProvider provider = ConnectionProvider.create("live-view-load", CONCURRENCY);
		Disposable load = null;
		try {
			JsonNode response = browser.open("http://127.0.0.1:" + port + "/actuator/hyperlane-view");
			assertThat(response.path("status").asInt()).isEqualTo(200);
			assertThat(response.path("headers").path("content-security-policy").asText()).contains("default-src 'none'",
					"connect-src 'self'");
			browser.waitFor("document.getElementById('status').dataset.status === 'live'", Duration.ofSeconds(10));
			HttpClient client = HttpClient.create(provider).baseUrl("http://127.0.0.1:" + port);
			AtomicInteger done = new AtomicInteger();
			CountDownLatch finished = new CountDownLatch(1);
			load = Flux.range(0, REQUESTS)
				.delayElements(Duration.ofMillis(10))
				.flatMap((i) -> client.get().uri("/checkout").responseContent().aggregate().asString()
					.onErrorResume((ex) -> Mono.empty())
					.doFinally((signal) -> done.incrementAndGet()), CONCURRENCY)
				.take(Duration.ofSeconds(40))
				.doFinally((signal) -> finished.countDown())
				.subscribe();
			String everyInstance = instanceCondition();
			browser.waitFor(everyInstance, Duration.ofSeconds(30));
			// let the charts fill while the load is still running, then look
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (done.get() < REQUESTS * 8 / 10 && System.nanoTime() < deadline) {
				Thread.sleep(100);
			}
			browser.waitFor(everyInstance, Duration.ofSeconds(5));
			Path screenshot = Path.of("target", "live-view.png");
			browser.screenshot(screenshot);
			JsonNode view = browser.evaluate(VIEW);
			System.out.println("live view after " + done.get() + " requests: " + view);
			assertThat(finished.await(40, TimeUnit.SECONDS)).isTrue();
			assertShowsTheLiveInstances(view);
			JsonNode report = browser.report();
			assertThat(report.path("foreignRequests")).as("requests to other origins").isEmpty();
			assertThat(report.path("consoleErrors")).as("console errors").isEmpty();
			assertThat(report.path("pageErrors")).as("page errors").isEmpty();
			if (Boolean.getBoolean("hyperlane.docs.screenshot")) {
				Path docs = Path.of(System.getProperty("basedir", "."), "..", "docs", "live-view.png");
				Files.createDirectories(docs.getParent());
				Files.copy(screenshot, docs, StandardCopyOption.REPLACE_EXISTING);
			}
		}
		finally {
			if (load != null) {
				load.dispose();
			}
			context.close();
			provider.disposeLater().block(Duration.ofSeconds(10));
		}
		browser.waitFor("document.getElementById('status').dataset.status === 'unreachable'", Duration.ofSeconds(15));
		browser.screenshot(Path.of("target", "live-view-unreachable.png"));
		JsonNode gone = browser.evaluate(VIEW);
		assertThat(gone.path("banner").asText()).contains("The application is unreachable", "/actuator/hyperlane");
		assertThat(gone.path("instances")).as("the charts keep what was read").hasSize(5);
	}

	@Test
	void saysWhenTheEndpointIsNotExposed() {
		try (ConfigurableApplicationContext context = application("management.endpoints.web.exposure.include=health")) {
			int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			browser.open("http://127.0.0.1:" + port + "/actuator/hyperlane-view");
			browser.waitFor("document.getElementById('status').dataset.status === 'not-exposed'", Duration.ofSeconds(10));
			browser.screenshot(Path.of("target", "live-view-not-exposed.png"));
			JsonNode view = browser.evaluate(VIEW);
			assertThat(view.path("banner").asText()).contains("The hyperlane endpoint is not exposed",
					"management.endpoints.web.exposure.include=health,hyperlane");
			assertThat(view.path("instances")).isEmpty();
		}
	}

	private static void assertShowsTheLiveInstances(JsonNode view) throws IOException {
		assertThat(view.path("status").asText()).isEqualTo("live");
		for (DisposableServer instance : payments) {
			JsonNode row = row(view, "payments", instance);
			assertThat(row.path("latency").asDouble()).as("latency of %s", row).isPositive();
			assertThat(row.path("requests").asLong()).as("requests of %s", row).isPositive();
			assertThat(row.path("state").asText()).isIn("active", "ramping");
			assertThat(row.path("text").asText()).contains("127.0.0.1:" + instance.port());
			assertThat(series(view, "latencyLines")).contains("127.0.0.1:" + instance.port());
		}
		assertThat(series(view, "shareBars")).contains("127.0.0.1:" + payments.get(0).port(),
				"127.0.0.1:" + payments.get(1).port());
		JsonNode healthy = row(view, "inventory", inventory.get(0));
		assertThat(healthy.path("share").asDouble()).isPositive();
		JsonNode broken = row(view, "inventory", inventory.get(1));
		assertThat(broken.path("ejections").asInt()).as("ejections of the broken instance").isPositive();
		assertThat(broken.path("state").asText()).isEqualTo("ejected");
		assertThat(view.path("pools")).as("pools").hasSizeGreaterThanOrEqualTo(5);
		for (JsonNode pool : view.path("pools")) {
			if (pool.path("service").asText().equals("payments")) {
				assertThat(pool.path("max").asInt()).isEqualTo(3);
			}
		}
		assertThat(view.path("directUsed").asLong()).as("direct memory in use").isPositive();
		assertThat(view.path("directMax").asLong()).as("direct memory ceiling").isPositive();
		assertThat(view.path("text").asText()).contains("Connection pools", "Peak-EWMA latency", "Share of requests",
				"Direct memory");
	}

	private static JsonNode row(JsonNode view, String service, DisposableServer instance) {
		for (JsonNode row : view.path("instances")) {
			if (row.path("service").asText().equals(service)
					&& row.path("instance").asText().equals("127.0.0.1:" + instance.port())) {
				return row;
			}
		}
		throw new AssertionError("no row for " + service + " instance 127.0.0.1:" + instance.port() + " in " + view);
	}

	private static List<String> series(JsonNode view, String name) {
		List<String> keys = new ArrayList<>();
		view.path(name).forEach((key) -> keys.add(key.asText()));
		return keys;
	}

	private static String instanceCondition() {
		StringBuilder condition = new StringBuilder("document.querySelectorAll('tr[data-instance]').length === 5");
		for (DisposableServer instance : payments) {
			condition.append(" && document.querySelector('tr[data-instance=\"127.0.0.1:")
				.append(instance.port())
				.append("\"]')");
		}
		return condition.append(" && document.querySelector('tr[data-instance][data-state=\"ejected\"]')").toString();
	}

	private static final String VIEW = """
			(() => {
				const all = (selector) => [...document.querySelectorAll(selector)];
				const banner = document.getElementById('banner');
				const direct = document.querySelector('g[data-figure="direct-used"]');
				return {
					status: document.getElementById('status').dataset.status,
					banner: banner.hidden ? '' : banner.textContent,
					instances: all('tr[data-instance]').map((row) => Object.assign({ text: row.textContent },
						row.dataset)),
					latencyLines: all('svg[data-chart^="latency-"] path[data-series]').map((p) => p.dataset.series),
					shareBars: [...new Set(all('svg[data-chart^="share-"] rect[data-series]')
						.map((r) => r.dataset.series))],
					pools: all('g[data-pool]').map((g) => Object.assign({}, g.dataset)),
					directUsed: direct ? Number(direct.dataset.value) : 0,
					directMax: direct ? Number(direct.dataset.max) : 0,
					text: document.body.innerText
				};
			})()
			""";

	private static ConfigurableApplicationContext application(String exposure) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1", exposure,
				"hyperlane.live-view.enabled=true", "hyperlane.live-view.poll-interval=500ms",
				"hyperlane.client.services.payments.max-connections=3",
				"hyperlane.loadbalancer.services.inventory.strategy=least-request", "hyperlane.loadbalancer.slow-start.window=3s",
				"hyperlane.loadbalancer.decay=2s", "hyperlane.loadbalancer.ejection.base-time=90s",
				"spring.cloud.loadbalancer.cache.enabled=false", "spring.reactor.netty.shutdown-quiet-period=0s"));
		for (int i = 0; i < payments.size(); i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.payments[" + i + "].uri=http://127.0.0.1:"
					+ payments.get(i).port());
		}
		for (int i = 0; i < inventory.size(); i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.inventory[" + i + "].uri=http://127.0.0.1:"
					+ inventory.get(i).port());
		}
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	@Configuration(proxyBeanMethods = false)
	@Import(LoadBalancedApp.class)
	static class App {

		@Bean
		RouterFunction<ServerResponse> checkout(WebClient.Builder builder) {
			WebClient client = builder.build();
			return RouterFunctions.route()
				.GET("/checkout", (request) -> Mono
					.zip(client.get().uri("http://payments/authorize").retrieve().bodyToMono(String.class),
							client.get().uri("http://inventory/reserve").retrieve().bodyToMono(String.class)
								.onErrorReturn("unavailable"))
					.flatMap((results) -> ServerResponse.ok().bodyValue(results.getT1() + " " + results.getT2())))
				.build();
		}

	}

}
