package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slow and stalled request bodies on HTTP/2 streams, h2c (prior knowledge) and h2 over TLS (ALPN), on io_uring, epoll
 * and NIO ({@link TestServers#transports()}), from Reactor
 * Netty's HTTP/2 client (one connection, streams multiplexed) against a real server: a stream whose body stops gets 408 after the read timeout, a
 * trickling body gets 408 after the whole-body timeout, and bodies held by the streams of one connection beyond its
 * window and the server's limit get 503; in each case the connection keeps serving its other streams (the client
 * sees one connection), request-body memory goes back to 0, and nothing is logged above DEBUG. Without
 * {@link Http2RequestBodyGuard} the stalled streams end in Reactor Netty's timeout error (500) or hold on.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class Http2RequestBodyTests {

	private static final byte[] CHUNK = new byte[4096];

	private final List<ConnectionProvider> providers = new CopyOnWriteArrayList<>();

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner()
		.withUserConfiguration(BadRequestTests.Endpoints.class)
		.withPropertyValues("hyperlane.server.http2.enabled=true", "hyperlane.server.read-timeout=1s",
				"hyperlane.server.request-timeout=2s");

	static Stream<Arguments> transportsAndProtocols() {
		return TestServers.transports().flatMap((transport) -> Stream.of(Arguments.of(transport, "h2c"),
				Arguments.of(transport, "h2")));
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("transportsAndProtocols")
	void stalledAndTricklingBodiesGet408AndTheConnectionServesItsOtherStreams(String transport, String protocol,
			CapturedOutput output) {
		boolean tls = protocol.equals("h2");
		ReactiveWebApplicationContextRunner runner = this.runner.withPropertyValues("hyperlane.transport.type=" + transport);
		runner = tls ? runner.withPropertyValues(TlsTests.properties("server.ssl.bundle=server")) : runner;
		runner.run((context) -> {
			Set<Channel> connections = ConcurrentHashMap.newKeySet();
			HttpClient client = client(context, tls, connections);
			Mono<Integer> stalled = status(client, Flux.concat(Mono.fromSupplier(Http2RequestBodyTests::chunk), Flux.never()));
			Mono<Integer> trickling = status(client, Flux.interval(Duration.ofMillis(300)).map((tick) -> chunk()));
			long start = System.nanoTime();
			List<Integer> answers = new CopyOnWriteArrayList<>();
			Flux.merge(stalled, trickling).doOnNext(answers::add).subscribe();
			// while both wait, the connection serves other streams at once
			assertThat(get(client)).isEqualTo(200);
			awaitAnswers(answers, 2, Duration.ofSeconds(6));
			Duration answered = Duration.ofNanos(System.nanoTime() - start);
			assertThat(answers).containsExactlyInAnyOrder(408, 408);
			assertThat(answered).isLessThan(Duration.ofSeconds(5));
			assertThat(get(client)).isEqualTo(200);
			assertThat(connections).hasSize(1);
			assertGuarded(context, 2, protocol);
			System.out.println("MEASURED http2 slow bodies on " + transport + " " + protocol + ": " + answers
					+ " within " + answered.toMillis() + " ms, connections " + connections.size() + ", "
					+ statistics(context));
			closeClients();
		});
		assertThat(TestServers.linesAboveDebug(output.getAll())).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.hyperlane.boot.server.TestServers#transports")
	void bodiesBeyondTheConnectionWindowAndTheLimitGet503AndTheConnectionGoesOn(String transport,
			CapturedOutput output) {
		this.runner
			.withPropertyValues("hyperlane.transport.type=" + transport, "hyperlane.server.max-request-body-memory=100KB")
			.run((context) -> {
				Set<Channel> connections = ConcurrentHashMap.newKeySet();
				HttpClient h2c = client(context, false, connections);
				// six streams send 15 x 4 KB each, then stop: 360 KB held where the connection window is 64 KB and the
				// server's limit 100 KB
				List<Integer> answers = new CopyOnWriteArrayList<>();
				for (int i = 0; i < 6; i++) {
					status(h2c, Flux.concat(Flux.range(0, 15).map((n) -> chunk()), Flux.never()))
						.subscribe(answers::add);
				}
				awaitAnswers(answers, 6, Duration.ofSeconds(8));
				assertThat(answers).contains(503).contains(408).containsOnly(503, 408);
				assertThat(get(h2c)).isEqualTo(200);
				assertThat(connections).hasSize(1);
				assertThat((Long) statistics(context).get("requestBodiesShed")).isPositive();
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(statistics(context)).containsEntry("requestBodyMemoryUsedBytes", 0L));
				System.out.println("MEASURED http2 window and limit on " + transport + ": " + answers + ", connections "
						+ connections.size() + ", " + statistics(context));
				closeClients();
			});
		assertThat(TestServers.linesAboveDebug(output.getAll())).isEmpty();
	}

	/**
	 * Close the test's client connections before the server stops: on io_uring, Netty's event-loop shutdown with a
	 * connection still open once waited out the 15 s shutdown timeout (see the README, "Hostile clients").
	 */
	private void closeClients() {
		this.providers.forEach((provider) -> provider.disposeLater().block(Duration.ofSeconds(5)));
		this.providers.clear();
	}

	@SuppressWarnings("unchecked")
	private static void assertGuarded(ApplicationContext context, long timeouts, String protocol) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.untilAsserted(() -> assertThat(statistics(context)).containsEntry("requestBodyTimeouts", timeouts)
				.containsEntry("requestBodyMemoryUsedBytes", 0L));
		assertThat((Map<String, Object>) ((Map<String, Object>) TestServers.server(context).get("protocolGuards"))
			.get(protocol))
			.containsEntry("guardedConnections", 1L);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> statistics(ApplicationContext context) {
		return (Map<String, Object>) TestServers.server(context).get("statistics");
	}

	private HttpClient client(ApplicationContext context, boolean tls, Set<Channel> connections) {
		ConnectionProvider provider = ConnectionProvider.builder("h2-test").maxConnections(1).build();
		this.providers.add(provider);
		HttpClient client = HttpClient.create(provider);
		client = tls ? client.protocol(HttpProtocol.H2)
			.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
				.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))))
				: client.protocol(HttpProtocol.H2C);
		return client.baseUrl((tls ? "https" : "http") + "://127.0.0.1:" + TestServers.port(context))
			.doOnRequest((request, connection) -> connections.add(connection.channel().parent()))
			.responseTimeout(Duration.ofSeconds(10));
	}

	static Mono<Integer> status(HttpClient client, Flux<ByteBuf> body) {
		return client.headers((headers) -> headers.set("Content-Type", "text/plain"))
			.post()
			.uri("/echo")
			.send(body)
			.responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
			.onErrorResume((error) -> Mono.just(-1));
	}

	static int get(HttpClient client) {
		return client.get()
			.uri("/ok")
			.responseSingle((response, content) -> content.then(Mono.just(response.status().code())))
			.block(Duration.ofSeconds(5));
	}

	static ByteBuf chunk() {
		return Unpooled.wrappedBuffer(CHUNK);
	}

	private static void awaitAnswers(List<Integer> answers, int count, Duration within) throws InterruptedException {
		long deadline = System.nanoTime() + within.toNanos();
		while (answers.size() < count && System.nanoTime() < deadline) {
			Thread.sleep(50);
		}
		assertThat(answers).as("answers").hasSize(count);
	}

}
