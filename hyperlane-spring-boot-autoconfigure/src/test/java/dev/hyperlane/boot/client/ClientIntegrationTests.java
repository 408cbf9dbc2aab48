package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.Deadline;
import io.netty.channel.Channel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tuned client against a real Reactor Netty server on port 0: per-service pools, fail-fast pool exhaustion,
 * the one safe retry and its limits (none after the request's deadline), eviction before the advertised keep-alive
 * timeout, and back-off.
 */
@Timeout(60)
class ClientIntegrationTests {

	private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

	private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

	private DisposableServer server;

	private final ApplicationContextRunner runner = WebClientContexts.runner();

	@BeforeEach
	void startPeer() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> this.connections.add(connection.channel()))
			.route((routes) -> routes.get("/hello", (request, response) -> {
				count("/hello");
				return response.sendString(Mono.just("hello"));
			}).get("/keep-alive", (request, response) -> {
				count("/keep-alive");
				return response.header("Keep-Alive", "timeout=2").sendString(Mono.just("hello"));
			}).get("/slow", (request, response) -> {
				count("/slow");
				return response.sendString(Mono.delay(Duration.ofMillis(800)).thenReturn("slow"));
			}).get("/close-late", (request, response) -> {
				count("/close-late");
				return Mono.delay(Duration.ofMillis(100)).then(Mono.<Void>fromRunnable(() -> response.withConnection(
						(connection) -> connection.channel().close()))).then(Mono.never());
			}).route((request) -> request.uri().startsWith("/close"), (request, response) -> {
				count("/close");
				return request.receive().then(Mono.<Void>fromRunnable(() -> response.withConnection(
						(connection) -> connection.channel().close()))).then(Mono.never());
			}))
			.bindNow();
	}

	@AfterEach
	void stopPeer() {
		this.server.disposeNow();
	}

	private void count(String path) {
		this.requests.computeIfAbsent(path, (key) -> new AtomicInteger()).incrementAndGet();
	}

	private int requestsTo(String path) {
		AtomicInteger count = this.requests.get(path);
		return (count != null) ? count.get() : 0;
	}

	private String url(String path) {
		return "http://localhost:" + this.server.port() + path;
	}

	@Test
	void webClientRunsOnThePerServicePool() {
		this.runner.withPropertyValues("hyperlane.client.services.localhost.max-connections=7").run((context) -> {
			assertThat(context.getBean(ClientHttpConnector.class)).isInstanceOf(HyperlaneClientHttpConnector.class);
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(get(client, "/hello")).isEqualTo("hello");
			HyperlaneClientHttpConnector connector = context.getBean(HyperlaneClientHttpConnector.class);
			ServiceClient service = connector.clientFor("LOCALHOST");
			assertThat(service.settings().service()).isEqualTo("localhost");
			assertThat(service.connectionProvider().maxConnections()).isEqualTo(7);
			assertThat(service.connectionProvider().name()).isEqualTo("hyperlane-localhost");
			assertThat(service.statistics().describe()).containsEntry("requests", 1L);
			assertThat(service.statistics().pools()).hasSize(1);
			assertThat(connector.clientFor("elsewhere").settings().service()).isEqualTo("default");
		});
	}

	@Test
	void exhaustedPoolFailsFastWithAClearError() {
		this.runner
			.withPropertyValues("hyperlane.client.services.localhost.max-connections=1",
					"hyperlane.client.services.localhost.pending-acquire-max-count=1")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				long start = System.nanoTime();
				List<Throwable> errors = new ArrayList<>();
				Flux.range(0, 5)
					.flatMap((i) -> client.get()
						.uri(url("/slow"))
						.retrieve()
						.bodyToMono(String.class)
						.onErrorResume((error) -> {
							synchronized (errors) {
								errors.add(error);
							}
							return Mono.empty();
						}), 5)
					.blockLast(Duration.ofSeconds(10));
				// one request holds the connection and one may wait; while the first connection is still being
				// opened the pool can count its request as pending too, so three or four are refused
				assertThat(errors).hasSizeBetween(3, 4).allSatisfy((error) -> assertThat(error)
					.isInstanceOf(WebClientRequestException.class)
					.cause()
					.isInstanceOf(ConnectionPoolExhaustedException.class)
					.hasMessageContaining("'localhost'")
					.hasMessageContaining("hyperlane.client.services.localhost.max-connections"));
				assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
				assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
					.counts().get(ClientStatistics.Count.POOL_EXHAUSTED)).isEqualTo(errors.size());
			});
	}

	@Test
	void idempotentRequestIsRetriedOnceAfterAPrematureClose() {
		this.runner.run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client, "/close"));
			assertThat(requestsTo("/close")).isEqualTo(2);
			ClientStatistics statistics = context.getBean(HyperlaneClientHttpConnector.class)
				.clientFor("localhost")
				.statistics();
			assertThat(statistics.counts().get(ClientStatistics.Count.RETRIES)).isEqualTo(1);
			assertThat(statistics.counts().get(ClientStatistics.Count.PREMATURE_CLOSES)).isEqualTo(1);
		});
	}

	@Test
	void noRetryStartsAfterTheDeadline() {
		this.runner.run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			// the connection closes after 100 ms, when the 30 ms deadline has passed (no deadline filter here to
			// cancel the call first: what is checked is the retry's own refusal)
			assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> client.get()
				.uri(url("/close-late"))
				.retrieve()
				.bodyToMono(String.class)
				.contextWrite((reactor) -> reactor.put(Deadline.class, Deadline.after(Duration.ofMillis(30))))
				.block(Duration.ofSeconds(10)));
			assertThat(requestsTo("/close-late")).isEqualTo(1);
			assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
				.counts().get(ClientStatistics.Count.RETRIES)).isZero();
		});
	}

	@Test
	void postWithoutIdempotencyKeyIsNeverSentTwice() {
		this.runner.run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post().uri(url("/close")).bodyValue("order").retrieve()
					.bodyToMono(String.class).block(Duration.ofSeconds(10)));
			assertThat(requestsTo("/close")).isEqualTo(1);
			ClientStatistics statistics = context.getBean(HyperlaneClientHttpConnector.class)
				.clientFor("localhost")
				.statistics();
			assertThat(statistics.counts().get(ClientStatistics.Count.RETRIES)).isZero();
			assertThat(statistics.describe()).containsEntry("retriesNotSafe", 1L);
		});
	}

	@Test
	void postWithIdempotencyKeyIsRetried() {
		this.runner.run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThatExceptionOfType(WebClientRequestException.class)
				.isThrownBy(() -> client.post().uri(url("/close")).header("Idempotency-Key", "order-1")
					.bodyValue("order").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)));
			assertThat(requestsTo("/close")).isEqualTo(2);
		});
	}

	@Test
	void retryBudgetStopsRetries() {
		this.runner
			.withPropertyValues("hyperlane.client.defaults.retry.budget-percent=0",
					"hyperlane.client.defaults.retry.budget-min-per-second=0")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class).build();
				assertThatExceptionOfType(WebClientRequestException.class).isThrownBy(() -> get(client, "/close"));
				assertThat(requestsTo("/close")).isEqualTo(1);
				assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
					.describe()).containsEntry("retriesDeniedByBudget", 1L);
			});
	}

	@Test
	void connectionIsEvictedBeforeTheAdvertisedKeepAliveTimeout() throws InterruptedException {
		this.runner.withPropertyValues("hyperlane.client.defaults.max-idle-time=30s",
				"hyperlane.client.defaults.eviction-interval=200ms").run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(get(client, "/keep-alive")).isEqualTo("hello");
			Thread.sleep(1500);
			assertThat(get(client, "/keep-alive")).isEqualTo("hello");
			assertThat(this.connections).hasSize(2);
			assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
				.counts().get(ClientStatistics.Count.EVICTIONS_BY_KEEP_ALIVE_HEADER)).isEqualTo(1);
		});
	}

	@Test
	void connectionIsReusedWhenTheHeaderIsIgnored() throws InterruptedException {
		this.runner.withPropertyValues("hyperlane.client.defaults.max-idle-time=30s",
				"hyperlane.client.defaults.eviction-interval=200ms",
				"hyperlane.client.defaults.honor-keep-alive-header=false").run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			assertThat(get(client, "/keep-alive")).isEqualTo("hello");
			Thread.sleep(1500);
			assertThat(get(client, "/keep-alive")).isEqualTo("hello");
			assertThat(this.connections).hasSize(1);
		});
	}

	@Test
	void userDeclaredWebClientBuilderIsTuned() {
		this.runner.withUserConfiguration(UserBuilder.class).run((context) -> {
			WebClient client = context.getBean("userWebClientBuilder", WebClient.Builder.class).build();
			assertThat(get(client, "/hello")).isEqualTo("hello");
			assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("localhost").statistics()
				.describe()).containsEntry("requests", 1L);
		});
	}

	@Test
	void userConnectorWins() {
		this.runner.withUserConfiguration(UserConnector.class).run((context) -> {
			assertThat(context).doesNotHaveBean(HyperlaneClientHttpConnector.class);
			assertThat(context.getBean(ClientHttpConnector.class)).isSameAs(UserConnector.CONNECTOR);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("hyperlane.client.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneClientHttpConnector.class)
				.hasSingleBean(ClientHttpConnector.class));
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneClientHttpConnector.class));
	}

	private String get(WebClient client, String path) {
		return client.get().uri(url(path)).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBuilder {

		@Bean
		WebClient.Builder userWebClientBuilder() {
			return WebClient.builder();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserConnector {

		static final ClientHttpConnector CONNECTOR = new ReactorClientHttpConnector();

		@Bean
		ClientHttpConnector userConnector() {
			return CONNECTOR;
		}

	}

}
