package dev.hyperlane.boot.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * In a non-reactive (Spring MVC style) application, {@code RestClient}s built from Spring Boot's
 * {@code RestClient.Builder} run on the same per-service pools and follow the same retry rules as
 * {@code WebClient}s, against a real Reactor Netty server on port 0.
 */
@Timeout(60)
class RestClientTests {

	private final List<String> seen = new CopyOnWriteArrayList<>();

	private DisposableServer server;

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ClientAutoConfiguration.class,
				HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
				RestClientAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s",
				"hyperlane.client.services.localhost.max-connections=5");

	@BeforeEach
	void startPeer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.get("/hello", (request, response) -> {
				this.seen.add("GET /hello");
				return response.sendString(Mono.just("hello"));
			}).get("/slow", (request, response) -> response
				.sendString(Mono.delay(Duration.ofMillis(1500)).thenReturn("slow"))).route((request) -> request.uri().startsWith("/close"), (request, response) -> request.receive()
				.aggregate()
				.asString(StandardCharsets.UTF_8)
				.defaultIfEmpty("")
				.doOnNext((body) -> this.seen.add(request.method().name() + " /close " + body))
				.then(Mono.<Void>fromRunnable(() -> response.withConnection((connection) -> connection.channel()
					.close())))
				.then(Mono.never())))
			.bindNow();
	}

	@AfterEach
	void stopPeer() {
		this.server.disposeNow();
	}

	@Test
	void restClientRunsOnThePerServicePool() {
		this.runner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(client.get().uri(url("/hello")).retrieve().body(String.class)).isEqualTo("hello");
			ServiceClient service = context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost");
			assertThat(service.statistics().describe()).containsEntry("requests", 1L);
			assertThat(service.statistics().pools()).hasSize(1);
		});
	}

	@Test
	void safeRequestsAreRetriedWithTheirBody() {
		this.runner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.put().uri(url("/close")).body("stock=5").retrieve().toBodilessEntity());
			assertThat(this.seen).containsExactly("PUT /close stock=5", "PUT /close stock=5");
			assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
				.counts().get(ClientStatistics.Count.RETRIES)).isEqualTo(1);
		});
	}

	@Test
	void postWithoutIdempotencyKeyIsNeverSentTwice() {
		this.runner.run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.post().uri(url("/close")).body("order").retrieve().toBodilessEntity());
			assertThat(this.seen).containsExactly("POST /close order");
			this.seen.clear();
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> client.post()
				.uri(url("/close"))
				.header("Idempotency-Key", "order-7")
				.body("order")
				.retrieve()
				.toBodilessEntity());
			assertThat(this.seen).containsExactly("POST /close order", "POST /close order");
		});
	}

	@Test
	void springBootReadTimeoutAppliesToRestClient() {
		this.runner.withPropertyValues("spring.http.clients.read-timeout=300ms").run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			long start = System.nanoTime();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri(url("/slow")).retrieve().body(String.class));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
		});
	}

	private String url(String path) {
		return "http://localhost:" + this.server.port() + path;
	}

}
