package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import dev.hyperlane.boot.observability.MeterSourcesAutoConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server's concurrency limit on a real server: requests held open by the test fill the limit, the next ones get
 * 503 with Retry-After while the held ones are still in progress (rejected at once, not queued); the endpoint and the
 * meters show the limit and the rejections; the endpoint's write action raises the limit live and hands it back to
 * the algorithm. Uploads whose body trickles in hold no permit until it is in, so they cannot starve other requests
 * (HTTP/1.1 and h2c). Gradient2 runs with its bounds pinned (min = initial = max), so the test does not depend on latency.
 */
@Timeout(60)
class ConcurrencyLimitTests {

	private final ReactiveWebApplicationContextRunner runner = TestServers
		.runner(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, MeterSourcesAutoConfiguration.class)
		.withUserConfiguration(Gate.class);

	@Test
	void offByDefault() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(ServerConcurrencyLimiter.class)
				.doesNotHaveBean(ConcurrencyLimitWebFilter.class);
			assertThat(server(context).get("concurrencyLimit")).isEqualTo(Map.of("enabled", false));
			assertThatExceptionOfType(InvalidEndpointRequestException.class)
				.isThrownBy(() -> endpoint(context).change("server", "concurrency-limit", null, null, "10"))
				.withMessageContaining("hyperlane.server.concurrency-limit.enabled=true");
		});
	}

	@Test
	void excessRequestsGet503WithRetryAfterAtOnceAndTheLimitCanBeRaisedLive() {
		this.runner
			.withPropertyValues("hyperlane.server.concurrency-limit.enabled=true",
					"hyperlane.server.concurrency-limit.initial-limit=4", "hyperlane.server.concurrency-limit.min-limit=4",
					"hyperlane.server.concurrency-limit.max-limit=4", "hyperlane.server.concurrency-limit.retry-after=2s")
			.run((context) -> {
				HttpClient client = client(context);
				Gate gate = context.getBean(Gate.class);
				List<Mono<Integer>> held = new ArrayList<>();
				for (int i = 0; i < 4; i++) {
					held.add(hold(client));
					held.get(i).subscribe();
				}
				awaitInFlight(context, 4);
				for (int i = 0; i < 3; i++) {
					Rejection rejection = client.get()
						.uri("/hold")
						.responseSingle((response, body) -> body.then(Mono.just(new Rejection(response.status().code(),
								response.responseHeaders().get("Retry-After")))))
						.block(Duration.ofSeconds(10));
					assertThat(rejection).isEqualTo(new Rejection(503, "2"));
				}
				Map<String, Object> limit = concurrencyLimit(context);
				assertThat(limit).containsEntry("algorithm", "gradient2")
					.containsEntry("limit", 4)
					.containsEntry("setBy", "algorithm")
					.containsEntry("inFlight", 4)
					.containsEntry("rejected", 3L);
				assertThat(endpoint(context).section("advice").toString())
					.contains("hyperlane.server.concurrency-limit.max-limit");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				assertThat(meters.get("hyperlane.server.concurrency.limit").gauge().value()).isEqualTo(4.0);
				assertThat(meters.get("hyperlane.server.concurrency.rejected").functionCounter().count()).isEqualTo(3.0);

				// raised live through the endpoint's write operation: two more are admitted, the next is not
				Map<String, Object> changed = endpoint(context).change("server", "concurrency-limit", null, null, "6");
				assertThat(changed).isNotNull();
				assertThat(concurrencyLimit(context)).containsEntry("limit", 6)
					.containsEntry("setBy", "operator (endpoint)");
				for (int i = 0; i < 2; i++) {
					Mono<Integer> request = hold(client);
					request.subscribe();
					held.add(request);
				}
				awaitInFlight(context, 6);
				assertThat(client.get().uri("/hold").response().block(Duration.ofSeconds(10)).status().code())
					.isEqualTo(503);

				gate.open();
				for (Mono<Integer> request : held) {
					assertThat(request.block(Duration.ofSeconds(10))).isEqualTo(200);
				}
				awaitInFlight(context, 0);
				assertThat(meters.get("hyperlane.server.concurrency.admitted").functionCounter().count()).isEqualTo(6.0);

				// handed back to the algorithm, whose bounds keep it at 4
				endpoint(context).change("server", "concurrency-limit", null, null, "adaptive");
				assertThat(concurrencyLimit(context)).containsEntry("limit", 4).containsEntry("setBy", "algorithm");
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint(context).change("server", "concurrency-limit", null, null, "none"));
				assertThatExceptionOfType(InvalidEndpointRequestException.class)
					.isThrownBy(() -> endpoint(context).change("server", "concurrency-limit", null, null, "0"));
			});
	}

	@Test
	void uploadsTakeTheirPermitOnceTheirBodyIsInSoTricklingClientsStarveNoOne() {
		this.runner
			.withPropertyValues("hyperlane.server.concurrency-limit.enabled=true",
					"hyperlane.server.concurrency-limit.algorithm=fixed",
					"hyperlane.server.concurrency-limit.initial-limit=2", "hyperlane.server.concurrency-limit.min-limit=2",
					"hyperlane.server.concurrency-limit.max-limit=2", "hyperlane.server.concurrency-limit.retry-after=3s",
					"hyperlane.server.http2.enabled=true")
			.run((context) -> {
				HttpClient http11 = client(context);
				HttpClient h2c = client(context).protocol(HttpProtocol.H2C);
				Sinks.Empty<Void> rest = Sinks.empty();
				List<Mono<Integer>> uploads = new ArrayList<>();
				for (int i = 0; i < 3; i++) {
					uploads.add(trickle(http11, rest));
					uploads.add(trickle(h2c, rest));
				}
				uploads.forEach(Mono::subscribe);
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(concurrencyLimit(context)).containsEntry("receivingBodies", 6)
						.containsEntry("inFlight", 0));
				// six uploads in progress, a limit of two: every other request is still served
				long start = System.nanoTime();
				int served = 0;
				for (int i = 0; i < 4; i++) {
					assertThat(status(http11.get().uri("/free"))).isEqualTo(200);
					assertThat(status(h2c.get().uri("/free"))).isEqualTo(200);
					served += 2;
				}
				System.out.println("MEASURED trickling uploads on " + TestServers.transport(context) + ": " + served
						+ " of 8 other requests answered 200 in " + (System.nanoTime() - start) / 1_000_000 + " ms, "
						+ concurrencyLimit(context));
				// the limit still holds for requests that can be worked on: two held, a complete upload is refused
				List<Mono<Integer>> held = List.of(hold(http11), hold(h2c));
				held.forEach(Mono::subscribe);
				awaitInFlight(context, 2);
				Rejection refused = http11.post()
					.uri("/upload")
					.send(ByteBufFlux.fromString(Mono.just("whole")))
					.responseSingle((response, body) -> body.then(Mono.just(new Rejection(response.status().code(),
							response.responseHeaders().get("Retry-After")))))
					.block(Duration.ofSeconds(10));
				assertThat(refused).isEqualTo(new Rejection(503, "3"));
				context.getBean(Gate.class).open();
				for (Mono<Integer> request : held) {
					assertThat(request.block(Duration.ofSeconds(10))).isEqualTo(200);
				}
				// the trickled bodies end: each upload is admitted and answered
				rest.tryEmitEmpty();
				for (Mono<Integer> upload : uploads) {
					assertThat(upload.block(Duration.ofSeconds(10))).isEqualTo(200);
				}
				Awaitility.await()
					.atMost(Duration.ofSeconds(10))
					.untilAsserted(() -> assertThat(concurrencyLimit(context)).containsEntry("receivingBodies", 0)
						.containsEntry("inFlight", 0));
				assertThat(context.getBean(MeterRegistry.class).get("hyperlane.server.concurrency.receiving.bodies")
					.gauge()
					.value()).isZero();
			});
	}

	@Test
	void bypassPathsAreNeverLimited() {
		this.runner
			.withPropertyValues("hyperlane.server.concurrency-limit.enabled=true",
					"hyperlane.server.concurrency-limit.algorithm=fixed",
					"hyperlane.server.concurrency-limit.initial-limit=1", "hyperlane.server.concurrency-limit.min-limit=1",
					"hyperlane.server.concurrency-limit.bypass-paths=/hold-free")
			.run((context) -> {
				HttpClient client = client(context);
				Mono<Integer> held = hold(client);
				held.subscribe();
				awaitInFlight(context, 1);
				assertThat(client.get().uri("/free").response().block(Duration.ofSeconds(10)).status().code())
					.isEqualTo(503);
				assertThat(client.get().uri("/hold-free").response().block(Duration.ofSeconds(10)).status().code())
					.isEqualTo(200);
				context.getBean(Gate.class).open();
				assertThat(held.block(Duration.ofSeconds(10))).isEqualTo(200);
			});
	}

	@Test
	void boundsOutOfOrderFailStartUpNamingTheProperty() {
		this.runner
			.withPropertyValues("hyperlane.server.concurrency-limit.enabled=true",
					"hyperlane.server.concurrency-limit.initial-limit=5000")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.server.concurrency-limit.initial-limit"));
	}

	@Test
	void enabledWithoutTheLibraryFailsStartUpNamingTheProperty() {
		this.runner.withClassLoader(new FilteredClassLoader("com.netflix.concurrency.limits"))
			.withPropertyValues("hyperlane.server.concurrency-limit.enabled=true")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.server.concurrency-limit.enabled"));
	}

	private static HttpClient client(ApplicationContext context) {
		int port = ((AssertableReactiveWebApplicationContext) context)
			.getSourceApplicationContext(ReactiveWebServerApplicationContext.class)
			.getWebServer()
			.getPort();
		return HttpClient.newConnection().baseUrl("http://127.0.0.1:" + port).responseTimeout(Duration.ofSeconds(10));
	}

	private static Mono<Integer> hold(HttpClient client) {
		return client.get()
			.uri("/hold")
			.responseSingle((response, body) -> body.thenReturn(response.status().code()))
			.cache();
	}

	private static Mono<Integer> trickle(HttpClient client, Sinks.Empty<Void> rest) {
		return client.post()
			.uri("/upload")
			.send(ByteBufFlux.fromString(Flux.just("first bytes, ").concatWith(rest.asMono().thenReturn("the rest"))))
			.responseSingle((response, body) -> body.thenReturn(response.status().code()))
			.cache();
	}

	private static int status(HttpClient.ResponseReceiver<?> request) {
		return request.responseSingle((response, body) -> body.thenReturn(response.status().code()))
			.block(Duration.ofSeconds(10));
	}

	private static void awaitInFlight(ApplicationContext context, int inFlight) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(concurrencyLimit(context)).containsEntry("inFlight", inFlight));
	}

	private static HyperlaneEndpoint endpoint(ApplicationContext context) {
		return context.getBean(HyperlaneEndpoint.class);
	}

	private static Map<String, Object> server(ApplicationContext context) {
		Map<String, Object> server = endpoint(context).section("server");
		assertThat(server).isNotNull();
		return server;
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> concurrencyLimit(ApplicationContext context) {
		return (Map<String, Object>) server(context).get("concurrencyLimit");
	}

	record Rejection(int status, String retryAfter) {
	}

	@Configuration(proxyBeanMethods = false)
	static class Gate {

		private final Sinks.Empty<Void> open = Sinks.empty();

		void open() {
			this.open.tryEmitEmpty();
		}

		@Bean
		RouterFunction<ServerResponse> gatedRoutes() {
			return RouterFunctions.route()
				.GET("/hold", (request) -> this.open.asMono().then(ServerResponse.ok().bodyValue("released")))
				.GET("/hold-free", (request) -> ServerResponse.ok().bodyValue("free"))
				.GET("/free", (request) -> ServerResponse.ok().bodyValue("free"))
				.POST("/upload", (request) -> request.bodyToMono(String.class)
					.flatMap((body) -> ServerResponse.ok().bodyValue("received " + body.length())))
				.build();
		}

	}

}
