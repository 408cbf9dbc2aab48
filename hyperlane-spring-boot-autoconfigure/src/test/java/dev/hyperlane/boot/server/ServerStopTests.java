package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.channel.uring.IoUring;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The application stops within seconds while clients keep HTTP/2 connections open (issue 14: on io_uring the event
 * loops' shutdown once waited out its 15 s timeout, a loop thread in {@code io_uring_enter} inside Netty's
 * {@code IoUringIoHandler.prepareToDestroy}): h2c and h2 over TLS, graceful and immediate shutdown, each connection
 * with a stream whose body stopped and one that goes on sending after its 408, the client left open while the
 * context closes. Measured from the start of the context's close to its end (the event loops' quiet period is 10 ms
 * here); above {@link #BOUND} the test fails, and the loop threads' stacks are printed a second before it.
 * io_uring cases are skipped where io_uring is unavailable. The HTTP/1.1 case and more rounds are a change of the
 * source list away.
 */
@Timeout(120)
class ServerStopTests {

	private static final Duration BOUND = Duration.ofSeconds(5);

	@ParameterizedTest(name = "{0} {1} {2}")
	@CsvSource({ "io_uring, h2c, graceful", "io_uring, h2, immediate", "epoll, h2c, graceful" })
	void applicationStopsPromptlyWithConnectionsOpen(String transport, String protocol, String shutdown) {
		// protocol: h2c, h2 (TLS) or http11
		assumeTrue(!transport.equals("io_uring") || IoUring.isAvailable(), "io_uring available");
		boolean tls = protocol.equals("h2");
		ReactiveWebApplicationContextRunner runner = TestServers.runner()
			.withUserConfiguration(BadRequestTests.Endpoints.class)
			.withPropertyValues("hyperlane.transport.type=" + transport,
					"hyperlane.server.http2.enabled=" + !protocol.equals("http11"), "hyperlane.server.read-timeout=1s",
					"hyperlane.server.request-timeout=2s", "server.shutdown=" + shutdown);
		runner = tls ? runner.withPropertyValues(TlsTests.properties("server.ssl.bundle=server")) : runner;
		ConnectionProvider provider = ConnectionProvider.builder("stop-test").maxConnections(2).build();
		AtomicLong closing = new AtomicLong();
		Thread watchdog = new Thread(() -> {
			try {
				Thread.sleep(BOUND.toMillis() - 1000);
				for (Map.Entry<Thread, StackTraceElement[]> thread : Thread.getAllStackTraces().entrySet()) {
					if (thread.getKey().getName().startsWith("hyperlane-loop")) {
						StringBuilder trace = new StringBuilder("STACK " + thread.getKey().getName());
						for (StackTraceElement element : thread.getValue()) {
							trace.append("\n\tat ").append(element);
						}
						System.out.println(trace);
					}
				}
			}
			catch (InterruptedException ex) {
				// stopped in time
			}
		});
		watchdog.setDaemon(true);
		try {
			runner.run((context) -> {
				HttpClient client = client(provider, protocol, TestServers.port(context));
				for (int i = 0; i < 2; i++) {
					assertThat(Http2RequestBodyTests.get(client)).isEqualTo(200);
				}
				List<Integer> answers = new CopyOnWriteArrayList<>();
				// a body that stops and one that trickles on after its 408
				Http2RequestBodyTests
					.status(client, Flux.concat(Mono.fromSupplier(Http2RequestBodyTests::chunk), Flux.never()))
					.subscribe(answers::add);
				Http2RequestBodyTests
					.status(client, Flux.interval(Duration.ofMillis(100)).map((tick) -> Http2RequestBodyTests.chunk()))
					.subscribe(answers::add);
				long deadline = System.nanoTime() + Duration.ofSeconds(6).toNanos();
				while (answers.size() < 2 && System.nanoTime() < deadline) {
					Thread.sleep(50);
				}
				Thread.sleep(300);
				closing.set(System.nanoTime());
				watchdog.start();
			});
			Duration stop = Duration.ofNanos(System.nanoTime() - closing.get());
			watchdog.interrupt();
			System.out.println("MEASURED stop with open connections on " + transport + " " + protocol + " " + shutdown
					+ ": " + stop.toMillis() + " ms");
			assertThat(stop).as("time to stop with open connections").isLessThan(BOUND);
		}
		finally {
			watchdog.interrupt();
			provider.disposeLater().block(Duration.ofSeconds(5));
		}
	}

	private static HttpClient client(ConnectionProvider provider, String protocol, int port) {
		HttpClient client = HttpClient.create(provider).responseTimeout(Duration.ofSeconds(30));
		if (protocol.equals("h2")) {
			client = client.protocol(HttpProtocol.H2)
				.secure((spec) -> spec.sslContext(Http2SslContextSpec.forClient()
					.configure((builder) -> builder.trustManager(InsecureTrustManagerFactory.INSTANCE))));
		}
		else if (protocol.equals("h2c")) {
			client = client.protocol(HttpProtocol.H2C);
		}
		return client.baseUrl((protocol.equals("h2") ? "https" : "http") + "://127.0.0.1:" + port);
	}

}
