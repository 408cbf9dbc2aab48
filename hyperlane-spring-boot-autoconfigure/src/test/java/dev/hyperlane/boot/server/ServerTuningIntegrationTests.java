package dev.hyperlane.boot.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;

import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import dev.hyperlane.boot.transport.TransportResources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integration tests that start Spring Boot's Reactor Netty web server with Hyperlane's tuning and talk to it over
 * real sockets: socket options read back from accepted connections on every transport, response compression, HTTP/1.1
 * decoder limits, idle and request-header timeouts, precedence between Hyperlane, Spring Boot properties and the
 * application's {@link NettyServerCustomizer} beans, and the server Spring Boot runs when Hyperlane is switched off.
 * Runs under Netty's paranoid leak detection and fails on any leak report ({@link NettyLeakDetection}).
 */
@Timeout(30)
@ExtendWith(NettyLeakDetection.class)
class ServerTuningIntegrationTests {

	private static final String LARGE_JSON = json(4096);

	private static final String SMALL_JSON = json(100);

	private static final String LARGE_TEXT = "plain text that compresses well. ".repeat(64);

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner().withUserConfiguration(Routes.class);

	// 1. socket options

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "nio, NioSocketChannel", "epoll, EpollSocketChannel", "io_uring, IoUringSocketChannel" })
	void socketOptionsAreReadBackFromTheAcceptedConnection(String transport, String channelType) {
		this.runner.withPropertyValues("hyperlane.transport.type=" + transport).run((context) -> {
			assertThat(context.getBean(TransportResources.class).transport().displayName()).isEqualTo(transport);
			assertOk(context, "/small");
			Map<String, Object> readBack = socketReadBack(context);
			assertThat(readBack).containsEntry("channel", channelType);
			assertThat(map(readBack.get("connection"))).containsEntry("tcp-no-delay", true)
				.containsEntry("keep-alive", true)
				.containsEntry("keep-alive-idle", 60)
				.containsEntry("keep-alive-interval", 10)
				.containsEntry("keep-alive-count", 3);
			assertThat(map(readBack.get("listener"))).containsEntry("reuse-address", true);
			assertThat((Iterable<?>) readBack.get("notApplied")).isEmpty();
		});
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "nio, NioSocketChannel", "epoll, EpollSocketChannel", "io_uring, IoUringSocketChannel" })
	void socketOptionSetByPropertyIsReadBackFromTheAcceptedConnection(String transport, String channelType) {
		this.runner
			.withPropertyValues("hyperlane.transport.type=" + transport, "hyperlane.server.socket.keep-alive-idle=45s")
			.run((context) -> {
				assertOk(context, "/small");
				Map<String, Object> readBack = socketReadBack(context);
				assertThat(readBack).containsEntry("channel", channelType);
				assertThat(map(readBack.get("connection"))).containsEntry("keep-alive-idle", 45)
					.containsEntry("keep-alive-interval", 10);
				assertThat(setting(context, "hyperlane.server.socket.keep-alive-idle")).containsEntry("source",
						"property");
			});
	}

	// 2. compression

	@Test
	void compressesLargeResponsesWithTheAlgorithmTheClientAccepts() {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				RawHttpConnection.Response gzip = connection.get("/large", "Accept-Encoding: gzip");
				assertThat(gzip.status()).isEqualTo(200);
				assertThat(gzip.header("content-encoding")).isEqualTo("gzip");
				assertThat(gzip.body().length).isLessThan(LARGE_JSON.length());
				assertThat(text(new GZIPInputStream(new ByteArrayInputStream(gzip.body())))).isEqualTo(LARGE_JSON);
				RawHttpConnection.Response deflate = connection.get("/large", "Accept-Encoding: deflate");
				assertThat(deflate.header("content-encoding")).isEqualTo("deflate");
				assertThat(text(new InflaterInputStream(new ByteArrayInputStream(deflate.body()))))
					.isEqualTo(LARGE_JSON);
			}
		});
	}

	@Test
	void doesNotCompressSmallResponsesOrWhenTheClientDoesNotAskForIt() {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				RawHttpConnection.Response small = connection.get("/small", "Accept-Encoding: gzip");
				assertThat(small.status()).isEqualTo(200);
				assertThat(small.header("content-encoding")).isNull();
				assertThat(small.header("content-length")).isEqualTo(String.valueOf(SMALL_JSON.length()));
				assertThat(new String(small.body(), StandardCharsets.UTF_8)).isEqualTo(SMALL_JSON);
				assertUncompressed(connection.get("/large"));
			}
		});
	}

	@Test
	void neverCompressesServerSentEventsEvenWhenTheirTypeIsConfigured() {
		this.runner.withPropertyValues("hyperlane.server.compression.mime-types=text/*").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				RawHttpConnection.Response text = connection.get("/text", "Accept-Encoding: gzip");
				assertThat(text.header("content-encoding")).isEqualTo("gzip");
				RawHttpConnection.Response events = connection.get("/events", "Accept-Encoding: gzip");
				assertThat(events.status()).isEqualTo(200);
				assertThat(events.header("content-type")).startsWith("text/event-stream");
				assertThat(events.header("content-encoding")).isNull();
				assertThat(new String(events.body(), StandardCharsets.UTF_8)).contains("data:event 3");
			}
		});
	}

	@Test
	void compressionCanBeTurnedOffWithHyperlaneProperty() {
		this.runner.withPropertyValues("hyperlane.server.compression.enabled=false").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertUncompressed(connection.get("/large", "Accept-Encoding: gzip"));
			}
			assertThat(setting(context, "hyperlane.server.compression.enabled")).containsEntry("value", "false")
				.containsEntry("source", "property");
		});
	}

	@Test
	void compressionCanBeTurnedOffWithSpringBootProperty() {
		this.runner.withPropertyValues("server.compression.enabled=false").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertUncompressed(connection.get("/large", "Accept-Encoding: gzip"));
			}
			assertThat(setting(context, "hyperlane.server.compression.enabled")).containsEntry("value", "false")
				.containsEntry("source", "boot-property");
		});
	}

	// 3. decoder limits

	@Test
	void oversizedHeadersGet431AndOverlongRequestLinesGet414() {
		this.runner.run((context) -> {
			assertStatus(context, "/small", 431, header(20 * 1024));
			assertStatus(context, "/small", 200, header(12 * 1024));
			assertStatus(context, "/small?" + "q".repeat(5 * 1024), 414);
			assertStatus(context, "/small?" + "q".repeat(3 * 1024), 200);
		});
	}

	@Test
	void maxHeaderSizeSetByPropertyApplies() {
		this.runner.withPropertyValues("hyperlane.server.max-header-size=4KB").run((context) -> {
			assertStatus(context, "/small", 431, header(6 * 1024));
			assertStatus(context, "/small", 200, header(3 * 1024));
		});
	}

	// 4. idle timeout

	@Test
	void idleKeepAliveConnectionIsClosedAfterIdleTimeout() {
		this.runner.withPropertyValues("hyperlane.server.idle-timeout=1s").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertThat(connection.get("/small").status()).isEqualTo(200);
				assertClosedAfterTheOneSecondIdleTimeout(connection);
			}
		});
	}

	@Test
	void connectionWithoutARequestIsClosedAfterIdleTimeout() {
		this.runner.withPropertyValues("hyperlane.server.idle-timeout=1s").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertClosedAfterTheOneSecondIdleTimeout(connection);
			}
		});
	}

	private static void assertClosedAfterTheOneSecondIdleTimeout(RawHttpConnection connection) throws IOException {
		long start = System.nanoTime();
		assertThat(connection.closedByServerWithin(Duration.ofSeconds(3))).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(700));
	}

	@Test
	void requestInProgressLongerThanTheIdleTimeoutIsAnsweredAndTheConnectionKept() {
		this.runner.withPropertyValues("hyperlane.server.idle-timeout=1s").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				// idle is counted only while no request is in progress, as with Reactor Netty's idle timeout
				assertThat(connection.get("/slow").status()).isEqualTo(200);
				assertThat(connection.get("/small").status()).isEqualTo(200);
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(3))).isTrue();
			}
		});
	}

	@Test
	void idleKeepAliveConnectionStaysOpenWithTheDefaultIdleTimeout() {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertThat(connection.get("/small").status()).isEqualTo(200);
				assertThat(connection.closedByServerWithin(Duration.ofMillis(2500))).isFalse();
				assertThat(connection.get("/small").status()).isEqualTo(200);
			}
			assertThat(setting(context, "hyperlane.server.idle-timeout")).containsEntry("value", "75s")
				.containsEntry("source", "default");
		});
	}

	// 5. request-header timeout

	@Test
	@ExtendWith(OutputCaptureExtension.class)
	void clientTricklingHeadersGets408AndIsClosed(CapturedOutput output) {
		this.runner.withPropertyValues("hyperlane.server.request-header-timeout=1s").run((context) -> {
			long start = System.nanoTime();
			try (RawHttpConnection connection = connect(context)) {
				connection.write("GET /small HTTP/1.1\r\nHost: x\r\n");
				byte[] trickle = "X-Slow: abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
				for (int i = 0; !connection.hasData() && elapsed(start).compareTo(Duration.ofSeconds(3)) < 0; i++) {
					Thread.sleep(300);
					try {
						connection.write(String.valueOf((char) trickle[i % trickle.length]));
					}
					catch (IOException ex) {
						break;
					}
				}
				assertThat(connection.readResponse().status()).isEqualTo(408);
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(1))).isTrue();
			}
			assertThat(elapsed(start)).isLessThan(Duration.ofSeconds(3));
			assertThat(map(serverSection(context).get("statistics"))).containsEntry("requestHeaderTimeouts", 1L);
		});
		assertThat(output).doesNotContain("Decoding failed");
	}

	@Test
	void shortestDeadlineAnnouncedByCallersIsRecorded() {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				connection.write("GET /small HTTP/1.1\r\nHost: x\r\n" + "x-envoy-expected-rq-timeout-ms: 2500\r\n\r\n");
				assertThat(connection.readResponse().status()).isEqualTo(200);
				connection.write("GET /small HTTP/1.1\r\nHost: x\r\n" + "x-envoy-expected-rq-timeout-ms: 900\r\n\r\n");
				assertThat(connection.readResponse().status()).isEqualTo(200);
			}
			assertThat(map(serverSection(context).get("statistics"))).containsEntry("shortestCallerTimeoutMillis",
					900L);
		});
	}

	@Test
	void requestHeaderTimeoutDoesNotRunBetweenRequests() {
		this.runner.withPropertyValues("hyperlane.server.request-header-timeout=1s").run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				assertThat(connection.get("/small").status()).isEqualTo(200);
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isFalse();
				assertThat(connection.get("/small").status()).isEqualTo(200);
			}
			assertThat(map(serverSection(context).get("statistics"))).containsEntry("requestHeaderTimeouts", 0L);
		});
	}

	// 6. precedence over Spring Boot's properties

	@Test
	void springBootNettyPropertiesWinOverHyperlaneDefaults() {
		this.runner.withPropertyValues("server.netty.idle-timeout=2s", "server.netty.max-initial-line-length=1KB")
			.run((context) -> {
				assertThat(setting(context, "hyperlane.server.idle-timeout")).containsEntry("value", "2s")
					.containsEntry("source", "boot-property");
				assertThat(setting(context, "hyperlane.server.max-initial-line-length")).containsEntry("value", "1024B")
					.containsEntry("source", "boot-property");
				assertStatus(context, "/small?" + "q".repeat(2 * 1024), 414);
				// Hyperlane's 16 KB header limit is still in force, not Boot's 8 KB
				assertStatus(context, "/small", 200, header(12 * 1024));
				try (RawHttpConnection connection = connect(context)) {
					assertThat(connection.get("/small").status()).isEqualTo(200);
					assertThat(connection.closedByServerWithin(Duration.ofMillis(1200))).isFalse();
					assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
				}
			});
	}

	@Test
	void hyperlanePropertyWinsOverSpringBootProperty() {
		this.runner.withPropertyValues("server.netty.idle-timeout=2s", "hyperlane.server.idle-timeout=3s")
			.run((context) -> {
				assertThat(setting(context, "hyperlane.server.idle-timeout")).containsEntry("value", "3s")
					.containsEntry("source", "property");
				try (RawHttpConnection connection = connect(context)) {
					assertThat(connection.get("/small").status()).isEqualTo(200);
					assertThat(connection.closedByServerWithin(Duration.ofMillis(2500))).isFalse();
					assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
				}
			});
	}

	// 7. the application's NettyServerCustomizer beans

	@Test
	void userNettyServerCustomizersStillApply() {
		this.runner.withUserConfiguration(CountingCustomizer.class, IdleTimeoutCustomizer.class)
			.withPropertyValues("test.idle-timeout=7s")
			.run((context) -> {
				assertOk(context, "/small");
				assertThat(context.getBean(CountingCustomizer.class).requests).hasPositiveValue();
				assertThat((Long) map(serverSection(context).get("statistics")).get("requests")).isPositive();
				assertThat(setting(context, "hyperlane.server.idle-timeout")).containsEntry("value", "7s")
					.containsEntry("source", "customizer");
			});
	}

	@Test
	void idleTimeoutSetByUserCustomizerIsTheOneOnTheServer() {
		this.runner.withUserConfiguration(IdleTimeoutCustomizer.class)
			.withPropertyValues("test.idle-timeout=1s")
			.run((context) -> {
				assertThat(setting(context, "hyperlane.server.idle-timeout")).containsEntry("value", "1s")
					.containsEntry("source", "customizer");
				try (RawHttpConnection connection = connect(context)) {
					assertThat(connection.get("/small").status()).isEqualTo(200);
					assertThat(connection.closedByServerWithin(Duration.ofSeconds(3))).isTrue();
				}
			});
	}

	// 8. switched off

	@Test
	void whenDisabledSpringBootsServerRunsUntouched() {
		this.runner.withPropertyValues("hyperlane.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(TransportResources.class)
				.doesNotHaveBean(ServerSettings.class)
				.doesNotHaveBean(HyperlaneServerTuner.class)
				.doesNotHaveBean(HyperlaneServerFactoryCustomizer.class)
				.doesNotHaveBean(HyperlaneEndpoint.class);
			assertStatus(context, "/small", 431, header(10 * 1024));
			assertStatus(context, "/small", 200, header(6 * 1024));
		});
	}

	// helpers

	private static RawHttpConnection connect(AssertableReactiveWebApplicationContext context) throws IOException {
		return new RawHttpConnection(context.getSourceApplicationContext(ReactiveWebServerApplicationContext.class)
			.getWebServer()
			.getPort());
	}

	private static void assertOk(AssertableReactiveWebApplicationContext context, String target) throws IOException {
		assertStatus(context, target, 200);
	}

	private static void assertStatus(AssertableReactiveWebApplicationContext context, String target, int status,
			String... headerLines) throws IOException {
		try (RawHttpConnection connection = connect(context)) {
			assertThat(connection.get(target, headerLines).status()).isEqualTo(status);
		}
	}

	private static void assertUncompressed(RawHttpConnection.Response response) {
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("content-encoding")).isNull();
		assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(LARGE_JSON);
	}

	private static String header(int size) {
		return "X-Padding: " + "p".repeat(size);
	}

	private static Map<String, Object> serverSection(ApplicationContext context) {
		Map<String, Object> section = context.getBean(HyperlaneEndpoint.class).section("server");
		assertThat(section).isNotNull();
		return section;
	}

	private static Map<String, Object> socketReadBack(ApplicationContext context) {
		return map(serverSection(context).get("socketOptionsReadBack"));
	}

	private static Map<String, Object> setting(ApplicationContext context, String property) {
		return TestServers.setting(context, property);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	private static String text(InputStream in) throws IOException {
		try (in) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static Duration elapsed(long startNanos) {
		return Duration.ofNanos(System.nanoTime() - startNanos);
	}

	private static String json(int size) {
		StringBuilder json = new StringBuilder("{\"items\":[");
		for (int i = 0; json.length() < size - 40; i++) {
			json.append((i > 0) ? "," : "")
				.append("{\"id\":")
				.append(i)
				.append(",\"sku\":\"SKU-")
				.append(i * 7919)
				.append("\"}");
		}
		return json.append("]}").toString();
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> routes() {
			return RouterFunctions.route()
				.GET("/large",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(LARGE_JSON.getBytes(StandardCharsets.UTF_8)))
				.GET("/small",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.APPLICATION_JSON)
							.bodyValue(SMALL_JSON.getBytes(StandardCharsets.UTF_8)))
				.GET("/text",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.TEXT_PLAIN)
							.bodyValue(LARGE_TEXT.getBytes(StandardCharsets.UTF_8)))
				.GET("/slow",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.TEXT_PLAIN)
							.body(Mono.delay(Duration.ofMillis(1800)).map((tick) -> "slow"), String.class))
				.GET("/events",
						(request) -> ServerResponse.ok()
							.contentType(MediaType.TEXT_EVENT_STREAM)
							.body(Flux.range(1, 3).map((i) -> ServerSentEvent.builder("event " + i).build()),
									ServerSentEvent.class))
				.build();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CountingCustomizer {

		final AtomicInteger requests = new AtomicInteger();

		@Bean
		NettyServerCustomizer countingNettyServerCustomizer() {
			return (server) -> server.doOnConnection((connection) -> this.requests.incrementAndGet());
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class IdleTimeoutCustomizer {

		@Bean
		NettyServerCustomizer idleTimeoutNettyServerCustomizer(Environment environment) {
			Duration idleTimeout = Binder.get(environment).bind("test.idle-timeout", Duration.class).get();
			return (server) -> server.idleTimeout(idleTimeout);
		}

	}

}
