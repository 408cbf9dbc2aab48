package dev.hyperlane.boot.deadline;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Deadline propagation across three real services (three Spring contexts on Reactor Netty, port 0) and two hops:
 * the edge calls the middle through Spring Boot's {@code WebClient.Builder}, the middle calls the last service
 * through a {@code @LoadBalanced} builder (Spring Cloud's simple discovery client), and the last service's handler
 * takes as long as it is asked to. A 300 ms budget at the edge against a 2 s handler: the edge answers 504 with a
 * problem detail within budget + 100 ms, the last hop saw a deadline header of at most 300 ms and its handler was
 * cancelled. Bounded: about 15 s, most of it starting the three contexts.
 */
@Timeout(90)
class DeadlinePropagationTests {

	private static final String HEADER = "x-envoy-expected-rq-timeout-ms";

	private static final AtomicReference<@Nullable String> lastHopHeader = new AtomicReference<>();

	private static final AtomicInteger lastHopCalls = new AtomicInteger();

	private static final AtomicInteger edgeCalls = new AtomicInteger();

	private static volatile CountDownLatch lastHopCancelled = new CountDownLatch(1);

	private static ConfigurableApplicationContext last;

	private static ConfigurableApplicationContext middle;

	private static ConfigurableApplicationContext edge;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@BeforeAll
	static void start() {
		last = run(LastApp.class);
		middle = run(MiddleApp.class, "spring.cloud.loadbalancer.cache.enabled=false",
				"spring.cloud.discovery.client.simple.instances.last[0].uri=http://127.0.0.1:" + port(last));
		edge = run(EdgeApp.class, "edge.middle=http://127.0.0.1:" + port(middle),
				"hyperlane.deadline.headers=" + HEADER + ",grpc-timeout");
		// warm the deadline path too: the first 504 loads classes the timings below should not include
		try {
			HttpRequest warm = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(edge) + "/edge?ms=500"))
				.header(HEADER, "100")
				.build();
			HttpClient.newHttpClient().send(warm, HttpResponse.BodyHandlers.ofString());
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@AfterAll
	static void stop() {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { edge, middle, last }) {
			if (context != null) {
				context.close();
			}
		}
	}

	@BeforeEach
	void reset() throws Exception {
		// warm the whole path (connections, classes) so that the timings below measure deadlines, not start-up
		assertThat(get("/edge?ms=0", null, null).statusCode()).isEqualTo(200);
		lastHopHeader.set(null);
		lastHopCalls.set(0);
		edgeCalls.set(0);
		lastHopCancelled = new CountDownLatch(1);
	}

	@Test
	void edgeAnswers504WithinBudgetAndTheLastHopIsCancelled() throws Exception {
		long endedBefore = count(DeadlineStatistics.Count.ENDED_BY_DEADLINE);
		long cancelledBefore = count(DeadlineStatistics.Count.CALLS_CANCELLED);
		long start = System.nanoTime();
		HttpResponse<String> response = get("/edge?ms=2000", HEADER, "300");
		long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.headers().firstValue("Content-Type")).as(response.headers() + " " + response.body())
			.hasValue("application/problem+json");
		assertThat(response.body()).contains("\"status\":504").contains("budget 300 ms");
		assertThat(elapsedMillis).isLessThanOrEqualTo(400);
		assertThat(lastHopCancelled.await(2, TimeUnit.SECONDS)).isTrue();
		assertThat(lastHopCalls.get()).isEqualTo(1);
		String seen = lastHopHeader.get();
		assertThat(seen).isNotNull();
		assertThat(Long.parseLong(seen)).isPositive().isLessThanOrEqualTo(300);
		assertThat(count(DeadlineStatistics.Count.ENDED_BY_DEADLINE)).isEqualTo(endedBefore + 1);
		assertThat(count(DeadlineStatistics.Count.CALLS_CANCELLED)).isEqualTo(cancelledBefore + 1);
	}

	@Test
	void grpcTimeoutSyntaxIsReadAndTheBudgetPassedOnInMilliseconds() throws Exception {
		HttpResponse<String> response = get("/edge?ms=2000", "grpc-timeout", "250m");
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(lastHopCancelled.await(2, TimeUnit.SECONDS)).isTrue();
		assertThat(Long.parseLong(lastHopHeader.get())).isPositive().isLessThanOrEqualTo(250);
	}

	@Test
	void requestExpiredOnArrivalIsAnswered504BeforeItsHandlerRuns() throws Exception {
		long before = count(DeadlineStatistics.Count.EXPIRED_ON_ARRIVAL);
		HttpResponse<String> response = get("/edge?ms=0", HEADER, "0");
		assertThat(response.statusCode()).isEqualTo(504);
		assertThat(response.body()).contains("had passed when the request arrived");
		assertThat(edgeCalls.get()).isZero();
		assertThat(lastHopCalls.get()).isZero();
		assertThat(count(DeadlineStatistics.Count.EXPIRED_ON_ARRIVAL)).isEqualTo(before + 1);
	}

	@Test
	void requestWithoutDeadlineSendsNoneDownstream() throws Exception {
		HttpResponse<String> response = get("/edge?ms=50", null, null);
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).isEqualTo("done");
		assertThat(lastHopCalls.get()).isEqualTo(1);
		assertThat(lastHopHeader.get()).isNull();
	}

	@Test
	void budgetLongerThanTheWorkLetsItFinishAndPassesTheTimeLeftOn() throws Exception {
		HttpResponse<String> response = get("/edge?ms=50", HEADER, "5000");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(Long.parseLong(lastHopHeader.get())).isBetween(4000L, 5000L);
	}

	@Test
	void callGivenADeadlineOutsideARequestIsCutByItsOwnTimer() throws Exception {
		WebClient client = edge.getBean(WebClient.Builder.class).build();
		long start = System.nanoTime();
		assertThatExceptionOfType(DeadlineExceededException.class).isThrownBy(() -> client.get()
			.uri("http://127.0.0.1:" + port(last) + "/work?ms=2000")
			.retrieve()
			.bodyToMono(String.class)
			.contextWrite((context) -> context.put(Deadline.class, Deadline.after(Duration.ofMillis(200))))
			.block(Duration.ofSeconds(5)));
		assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(1000);
		assertThat(lastHopCancelled.await(2, TimeUnit.SECONDS)).isTrue();
		assertThat(Long.parseLong(lastHopHeader.get())).isPositive().isLessThanOrEqualTo(200);
	}

	private HttpResponse<String> get(String path, @Nullable String header, @Nullable String value) throws Exception {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port(edge) + path))
			.timeout(Duration.ofSeconds(10));
		if (header != null && value != null) {
			request.header(header, value);
		}
		return this.http.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static ConfigurableApplicationContext run(Class<?> app, String... properties) {
		return new SpringApplicationBuilder(app).web(WebApplicationType.REACTIVE)
			.properties("server.port=0", "spring.reactor.netty.shutdown-quiet-period=0s",
					"management.endpoints.enabled-by-default=false")
			.properties(properties)
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	private static long count(DeadlineStatistics.Count count) {
		return edge.getBean(DeadlineStatistics.class).counts().get(count);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class EdgeApp {

		@Bean
		RouterFunction<ServerResponse> edgeRoutes(WebClient.Builder builder,
				org.springframework.core.env.Environment environment) {
			WebClient client = builder.baseUrl(environment.getRequiredProperty("edge.middle")).build();
			return RouterFunctions.route()
				.GET("/edge", (request) -> {
					edgeCalls.incrementAndGet();
					String ms = request.queryParam("ms").orElse("0");
					return client.get()
						.uri("/middle?ms={ms}", ms)
						.retrieve()
						.bodyToMono(String.class)
						.flatMap((body) -> ServerResponse.ok().bodyValue(body));
				})
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Import(LoadBalancedApp.class)
	static class MiddleApp {

		@Bean
		RouterFunction<ServerResponse> middleRoutes(@LoadBalanced WebClient.Builder builder) {
			WebClient client = builder.build();
			return RouterFunctions.route()
				.GET("/middle", (request) -> client.get()
					.uri("http://last/work?ms={ms}", request.queryParam("ms").orElse("0"))
					.retrieve()
					.bodyToMono(String.class)
					.flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class LastApp {

		@Bean
		RouterFunction<ServerResponse> lastRoutes() {
			return RouterFunctions.route()
				.GET("/work", (request) -> {
					lastHopCalls.incrementAndGet();
					lastHopHeader.set(request.headers().firstHeader(HEADER));
					long ms = Long.parseLong(request.queryParam("ms").orElse("0"));
					return Mono.delay(Duration.ofMillis(ms))
						.doOnCancel(() -> lastHopCancelled.countDown())
						.then(ServerResponse.ok().bodyValue("done"));
				})
				.build();
		}

	}

}
