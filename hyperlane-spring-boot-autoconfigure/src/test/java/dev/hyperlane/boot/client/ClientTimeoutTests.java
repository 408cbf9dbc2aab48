package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import dev.hyperlane.boot.testsupport.NodePeer;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import io.netty.handler.timeout.ReadTimeoutException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientRequest;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The client's timeouts against a real Node.js server whose responses pause mid-body: the response timeout (here
 * 300 ms) ends when the response headers arrive, so a chunked body or a server-sent-event stream that pauses for
 * 1 s is read whole, as plain Spring Boot reads it, through Boot's {@code WebClient.Builder}, through a
 * {@code @LoadBalanced} one and through Boot's {@code RestClient.Builder}; it still fails a request whose headers never come,
 * with one handler per pooled connection that an idle gap longer than the timeout leaves alone, and a request's own
 * response timeout wins over it, longer or shorter; a read idle timeout, when set, cuts
 * a paused body but never a stream; Spring Boot's own {@code spring.http.clients.read-timeout} keeps Boot's meaning.
 * Bounded: about 20 s, most of it starting the load-balanced application.
 */
@Timeout(60)
class ClientTimeoutTests {

	private static final String RESPONSE_TIMEOUT = "300ms";

	private static final int PAUSE_MILLIS = 1000;

	private static final ParameterizedTypeReference<ServerSentEvent<String>> EVENT = new ParameterizedTypeReference<>() {
	};

	private static NodePeer node;

	private static ConfigurableApplicationContext loadBalanced;

	private final ApplicationContextRunner runner = WebClientContexts.runner()
		.withPropertyValues("hyperlane.client.defaults.response-timeout=" + RESPONSE_TIMEOUT);

	@BeforeAll
	static void start() {
		node = NodePeer.start();
		String uri = node.baseUrl();
		loadBalanced = new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties("spring.reactor.netty.shutdown-quiet-period=0s", "spring.cloud.loadbalancer.cache.enabled=false",
					"spring.cloud.discovery.client.simple.instances.peer[0].uri=" + uri,
					"spring.cloud.discovery.client.simple.instances.idle[0].uri=" + uri,
					"hyperlane.client.services.peer.response-timeout=" + RESPONSE_TIMEOUT,
					"hyperlane.client.services.idle.response-timeout=" + RESPONSE_TIMEOUT,
					"hyperlane.client.services.idle.read-idle-timeout=400ms")
			.run();
	}

	@AfterAll
	static void stop() {
		if (loadBalanced != null) {
			loadBalanced.close();
		}
		if (node != null) {
			node.close();
		}
	}

	@Test
	void bodyPausingLongerThanTheResponseTimeoutIsReadWhole() {
		this.runner.run((context) -> assertThat(body(client(context), node.baseUrl(), "application/octet-stream"))
			.isEqualTo("one\ntwo\n"));
	}

	@Test
	void eventStreamPausingLongerThanTheResponseTimeoutIsReadWhole() {
		this.runner.run((context) -> assertThat(events(client(context), node.baseUrl())).containsExactly("one", "two"));
	}

	@Test
	void bodyAndEventStreamPausingAreReadWholeThroughTheLoadBalancedBuilder() {
		WebClient client = client(loadBalanced);
		assertThat(body(client, "http://peer", "application/x-ndjson")).isEqualTo("one\ntwo\n");
		assertThat(body(client, "http://peer", "application/json")).isEqualTo("one\ntwo\n");
		assertThat(events(client, "http://peer")).containsExactly("one", "two");
	}

	@Test
	void responseTimeoutFailsARequestWhoseHeadersNeverCome() {
		this.runner.run((context) -> {
			WebClient client = client(context);
			assertThatThrownBy(() -> client.get()
				.uri(node.baseUrl() + "/slow?ms=5000")
				.retrieve()
				.bodyToMono(String.class)
				.block(Duration.ofSeconds(4))).hasRootCauseInstanceOf(ReadTimeoutException.class);
		});
		WebClient balanced = client(loadBalanced);
		assertThatThrownBy(() -> balanced.get()
			.uri("http://peer/slow?ms=5000")
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(4))).hasRootCauseInstanceOf(ReadTimeoutException.class);
	}

	@Test
	void responseTimeoutIsOneHandlerPerConnectionThatOutlivesIdleGapsAndStillFires() {
		this.runner.run((context) -> {
			ServiceClient service = context.getBean(HyperlaneClientHttpConnector.class).clientFor("127.0.0.1");
			List<List<String>> pipelines = new CopyOnWriteArrayList<>();
			List<Object> channels = new CopyOnWriteArrayList<>();
			// what the pipeline holds while each request waits 100 ms for its headers (read on the event loop once the
			// request is sent, after Reactor Netty has added its per-request handler when it does), and which
			// connection it ran on
			HttpClient client = service.httpClient()
				.doAfterRequest((request, connection) -> connection.channel()
					.eventLoop()
					.execute(() -> pipelines.add(connection.channel().pipeline().names())))
				.doOnResponse((response, connection) -> channels.add(connection.channel().id()));
			assertThat(get(client, "/slow?ms=100")).isEqualTo("slept 100");
			// idle for longer than the timeout: the timer set by the first request finds nothing to time out
			Thread.sleep(700);
			assertThat(get(client, "/slow?ms=100")).isEqualTo("slept 100");
			assertThat(pipelines).hasSize(2);
			assertThat(channels).hasSize(2);
			assertThat(channels.get(1)).as("the pooled connection survived the idle gap").isEqualTo(channels.get(0));
			assertThat(pipelines).allSatisfy((names) -> assertThat(names).contains(ResponseHeaderTimeout.NAME)
				.doesNotContain(NettyPipeline.ResponseTimeoutHandler));
			// and on the same connection a request whose headers never come still times out
			long start = System.nanoTime();
			assertThatThrownBy(() -> get(client, "/slow?ms=5000")).isInstanceOf(ReadTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
		});
	}

	@Test
	void perRequestResponseTimeoutWinsInBothDirections() {
		// longer than the connection's: the connection's timer (500 ms) stands aside for a 3 s per-request timeout
		this.runner.withPropertyValues("hyperlane.client.defaults.response-timeout=500ms")
			.run((context) -> assertThat(slow(client(context), 1500, Duration.ofSeconds(3))).isEqualTo("slept 1500"));
		// shorter than the connection's: 300 ms cuts the call long before the connection's 5 s
		this.runner.withPropertyValues("hyperlane.client.defaults.response-timeout=5s").run((context) -> {
			long start = System.nanoTime();
			assertThatThrownBy(() -> slow(client(context), 1500, Duration.ofMillis(300)))
				.hasRootCauseInstanceOf(ReadTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1500));
		});
	}

	private static @Nullable String slow(WebClient client, int millis, Duration responseTimeout) {
		return client.get()
			.uri(node.baseUrl() + "/slow?ms={ms}", millis)
			.httpRequest((request) -> ((HttpClientRequest) request.getNativeRequest()).responseTimeout(responseTimeout))
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private static String get(HttpClient client, String path) {
		return client.get().uri(node.baseUrl() + path).responseContent().aggregate().asString()
			.block(Duration.ofSeconds(5));
	}

	@Test
	void readIdleTimeoutCutsAPausedBodyButNotAStream() {
		this.runner.withPropertyValues("hyperlane.client.defaults.read-idle-timeout=400ms").run((context) -> {
			WebClient client = client(context);
			assertThatThrownBy(() -> body(client, node.baseUrl(), "application/octet-stream"))
				.hasRootCauseInstanceOf(ReadTimeoutException.class);
			assertThat(events(client, node.baseUrl())).containsExactly("one", "two");
			assertThat(body(client, node.baseUrl(), "application/x-ndjson")).isEqualTo("one\ntwo\n");
			ServiceClient settings = context.getBean(HyperlaneClientHttpConnector.class).clientFor("127.0.0.1");
			assertThat(settings.effective().get("read-idle-timeout").property())
				.isEqualTo("hyperlane.client.defaults.read-idle-timeout");
			assertThat(settings.effective().get("streaming-media-types").value())
				.isEqualTo(List.of("text/event-stream", "application/x-ndjson", "application/stream+json"));
		});
		WebClient balanced = client(loadBalanced);
		assertThatThrownBy(() -> body(balanced, "http://idle", "application/octet-stream"))
			.hasRootCauseInstanceOf(ReadTimeoutException.class);
		assertThat(events(balanced, "http://idle")).containsExactly("one", "two");
	}

	@Test
	void readIdleTimeoutCutsAStreamWhenNoTypeIsExempt() {
		this.runner
			.withPropertyValues("hyperlane.client.defaults.read-idle-timeout=400ms",
					"hyperlane.client.defaults.streaming-media-types=")
			.run((context) -> assertThatThrownBy(() -> events(client(context), node.baseUrl()))
				.hasRootCauseInstanceOf(ReadTimeoutException.class));
	}

	@Test
	void restClientReadsAPausedBodyWholeAndStillTimesOutWithoutHeaders() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ClientAutoConfiguration.class,
					HttpClientAutoConfiguration.class, ImperativeHttpClientAutoConfiguration.class,
					RestClientAutoConfiguration.class))
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s",
					"hyperlane.client.defaults.response-timeout=" + RESPONSE_TIMEOUT)
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThat(client.get()
					.uri(node.baseUrl() + "/pause?ms={ms}&type=text/plain", PAUSE_MILLIS)
					.retrieve()
					.body(String.class)).isEqualTo("one\ntwo\n");
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> client.get().uri(node.baseUrl() + "/slow?ms=5000").retrieve().body(String.class))
					.withRootCauseInstanceOf(ReadTimeoutException.class);
			});
	}

	@Test
	void springBootReadTimeoutKeepsBootsMeaning() {
		// plain Boot applies spring.http.clients.read-timeout between any two reads, body included
		this.runner.withPropertyValues("spring.http.clients.read-timeout=" + RESPONSE_TIMEOUT).run((context) -> {
			assertThatThrownBy(() -> body(client(context), node.baseUrl(), "application/octet-stream"))
				.hasRootCauseInstanceOf(ReadTimeoutException.class);
			ServiceClient client = context.getBean(HyperlaneClientHttpConnector.class).clientFor("127.0.0.1");
			assertThat(client.effective().get("read-idle-timeout").source()).isEqualTo(SettingSource.BOOT_PROPERTY);
		});
	}

	private static WebClient client(ApplicationContext context) {
		return context.getBean(WebClient.Builder.class).build();
	}

	private static String body(WebClient client, String baseUrl, String type) {
		return client.get()
			.uri(baseUrl + "/pause?ms={ms}&type={type}", PAUSE_MILLIS, type)
			.retrieve()
			.bodyToMono(String.class)
			.block(Duration.ofSeconds(10));
	}

	private static List<String> events(WebClient client, String baseUrl) {
		return client.get()
			.uri(baseUrl + "/pause?ms={ms}&type=text/event-stream", PAUSE_MILLIS)
			.retrieve()
			.bodyToFlux(EVENT)
			.map(ServerSentEvent::data)
			.collectList()
			.block(Duration.ofSeconds(10));
	}

}
