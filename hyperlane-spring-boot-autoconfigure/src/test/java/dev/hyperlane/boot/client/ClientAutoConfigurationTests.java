package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;

import dev.hyperlane.boot.CallerDeadlines;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingDescriptor;
import dev.hyperlane.boot.SettingSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClientConfig;
import reactor.netty.http.server.HttpServer;


import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ClientAutoConfiguration}: each property reaches the built {@code HttpClient} and
 * {@code ConnectionProvider}, service values override the defaults, sources are recorded, bad values fail start-up,
 * and pool meters are published.
 */
class ClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = WebClientContexts.runner();

	@Test
	void defaultsReachTheHttpClient() {
		this.runner.run((context) -> {
			ServiceClient client = context.getBean(HyperlaneClientHttpConnector.class).clientFor("any");
			HttpClientConfig config = client.httpClient().configuration();
			// on HTTP/1.1 the response timeout is one handler per connection, not Reactor Netty's per request
			assertThat(config.responseTimeout()).isNull();
			assertThat(client.settings().responseTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(Map.<ChannelOption<?>, Object>copyOf(config.options()))
				.containsEntry(ChannelOption.CONNECT_TIMEOUT_MILLIS, 3000)
				.containsEntry(ChannelOption.SO_KEEPALIVE, true)
				.containsEntry(ChannelOption.TCP_NODELAY, true);
			assertThat(config.isAcceptGzip()).isTrue();
			assertThat(config.protocols()).containsExactly(HttpProtocol.HTTP11);
			assertThat(client.connectionProvider().maxConnections()).isEqualTo(500);
			assertThat(client.effective().get("max-idle-time").source()).isEqualTo(SettingSource.DEFAULT);
			assertThat(client.effective().get("pending-acquire-max-count").source()).isEqualTo(SettingSource.DERIVED);
			assertThat(client.effective().get("pending-acquire-max-count").value()).isEqualTo(1000);
		});
	}

	@Test
	void serviceValuesOverrideDefaults() {
		this.runner
			.withPropertyValues("hyperlane.client.defaults.response-timeout=4s",
					"hyperlane.client.defaults.connect-timeout=1s", "hyperlane.client.services.payments.response-timeout=2s",
					"hyperlane.client.services.payments.max-connections=16",
					"hyperlane.client.services.payments.protocol=h2c",
					"hyperlane.client.services.payments.compression=false")
			.run((context) -> {
				HyperlaneClientHttpConnector connector = context.getBean(HyperlaneClientHttpConnector.class);
				ServiceClient payments = connector.clientFor("payments");
				HttpClientConfig config = payments.httpClient().configuration();
				assertThat(config.responseTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(Map.<ChannelOption<?>, Object>copyOf(config.options()))
					.containsEntry(ChannelOption.CONNECT_TIMEOUT_MILLIS, 1000);
				assertThat(config.protocols()).containsExactly(HttpProtocol.H2C);
				assertThat(config.isAcceptGzip()).isFalse();
				assertThat(payments.connectionProvider().maxConnections()).isEqualTo(16);
				assertThat(payments.effective().get("response-timeout").property())
					.isEqualTo("hyperlane.client.services.payments.response-timeout");
				assertThat(payments.effective().get("connect-timeout").property())
					.isEqualTo("hyperlane.client.defaults.connect-timeout");
				assertThat(payments.effective().get("pending-acquire-max-count").value()).isEqualTo(32);
				// h2c keeps Reactor Netty's per-request handler; HTTP/1.1 has one per connection
				assertThat(connector.clientFor("other").httpClient().configuration().responseTimeout()).isNull();
				assertThat(connector.clientFor("other").settings().responseTimeout()).isEqualTo(Duration.ofSeconds(4));
			});
	}

	@Test
	void bootPropertiesAreShownAsWinning() {
		this.runner.withPropertyValues("spring.http.clients.read-timeout=7s").run((context) -> {
			ServiceClient client = context.getBean(HyperlaneClientHttpConnector.class).clientFor("any");
			assertThat(client.effective().get("response-timeout").source()).isEqualTo(SettingSource.BOOT_PROPERTY);
			assertThat(client.effective().get("response-timeout").value()).isEqualTo(Duration.ofSeconds(7));
		});
	}

	@Test
	void outOfRangeValuesFailStartWithThePropertyName() {
		this.runner.withPropertyValues("hyperlane.client.services.payments.max-connections=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.client.services.payments.max-connections"));
		this.runner.withPropertyValues("hyperlane.client.defaults.retry.budget-percent=150")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("hyperlane.client.defaults.retry.budget-percent"));
		this.runner.withPropertyValues("hyperlane.client.defaults.read-idle-timeout=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("hyperlane.client.defaults.read-idle-timeout"));
		this.runner.withPropertyValues("hyperlane.client.services.feed.streaming-media-types=text/*")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("hyperlane.client.services.feed.streaming-media-types"));
	}

	@Test
	void listeningSocketOptionsSetForAClientFailStartWithThePropertyName() {
		Map<String, String> cases = Map.of("hyperlane.client.defaults.socket.backlog=128",
				"hyperlane.client.defaults.socket.backlog", "hyperlane.client.services.payments.socket.reuse-port=true",
				"hyperlane.client.services.payments.socket.reuse-port",
				"hyperlane.client.services[api.example.com].socket.tcp-fast-open=5",
				"hyperlane.client.services[api.example.com].socket.tcp-fast-open");
		cases.forEach((setting, property) -> this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(HyperlaneSettingException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo(property);
					assertThat(ex.getMessage()).contains("listening sockets only");
				})));
	}

	@Test
	void poolMetersArePublished() {
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((request, response) -> response.sendString(Mono.just("ok")))
			.bindNow();
		try {
			this.runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
				.withPropertyValues("hyperlane.client.services.localhost.max-connections=7")
				.run((context) -> {
					WebClient client = context.getBean(WebClient.Builder.class).build();
					client.get().uri("http://localhost:" + server.port() + "/").retrieve().bodyToMono(String.class)
						.block(Duration.ofSeconds(10));
					MeterRegistry registry = context.getBean(MeterRegistry.class);
					assertThat(registry.get("reactor.netty.connection.provider.max.connections")
						.tag("name", "hyperlane-localhost")
						.gauge()
						.value()).isEqualTo(7.0);
					assertThat(registry.get("reactor.netty.connection.provider.total.connections")
						.tag("name", "hyperlane-localhost")
						.gauge()
						.value()).isEqualTo(1.0);
					// Reactor Netty's own address format (host:port), as on its reactor.netty.http.client.* meters
					assertThat(registry.get("reactor.netty.connection.provider.total.connections")
						.tag("name", "hyperlane-localhost")
						.gauge()
						.getId()
						.getTag("remote.address")).isEqualTo("localhost:" + server.port());
				});
		}
		finally {
			server.disposeNow();
		}
	}

	@Test
	void advisesWhenAResponseTimeoutOutlastsTheCallersDeadline() {
		this.runner.withBean(CallerDeadlines.class, () -> () -> OptionalLong.of(2000))
			.withPropertyValues("hyperlane.client.services.payments.response-timeout=1500ms")
			.run((context) -> assertThat(context.getBean(ClientSection.class).advice())
				.singleElement()
				.satisfies((advice) -> assertThat(advice.property())
					.isEqualTo("hyperlane.client.defaults.response-timeout")));
	}

	@Test
	@SuppressWarnings("unchecked")
	void sectionShowsTheTimeoutsWithTheirSources() {
		this.runner.withPropertyValues("hyperlane.client.services.downloads.read-idle-timeout=30s").run((context) -> {
			Map<String, Object> section = context.getBean(ClientSection.class).describe();
			Map<String, SettingDescriptor> downloads = (Map<String, SettingDescriptor>) ((Map<String, Object>) section
				.get("downloads")).get("settings");
			assertThat(downloads.get("hyperlane.client.services.downloads.read-idle-timeout"))
				.isEqualTo(new SettingDescriptor("30s", SettingSource.PROPERTY.displayName(),
						"set by hyperlane.client.services.downloads.read-idle-timeout"));
			assertThat(downloads.get("hyperlane.client.defaults.response-timeout").value()).isEqualTo("10s");
			assertThat(downloads.get("hyperlane.client.defaults.response-timeout").source())
				.isEqualTo(SettingSource.DEFAULT.displayName());
			assertThat(downloads.get("hyperlane.client.defaults.streaming-media-types").source())
				.isEqualTo(SettingSource.DEFAULT.displayName());
			Map<String, SettingDescriptor> fallback = (Map<String, SettingDescriptor>) ((Map<String, Object>) section
				.get("default")).get("settings");
			assertThat(fallback.get("hyperlane.client.defaults.read-idle-timeout").value()).isEqualTo("unset");
		});
	}

	@Test
	void sectionShowsServicesAndAdvice() {
		this.runner.withPropertyValues("hyperlane.client.services.payments.max-connections=16").run((context) -> {
			ClientSection section = context.getBean(ClientSection.class);
			assertThat(section.describe()).containsKeys("payments", "default");
			assertThat(section.advice()).isEmpty();
			context.getBean(HyperlaneClientHttpConnector.class).clientFor("payments").statistics()
				.counts()
				.increment(ClientStatistics.Count.PREMATURE_CLOSES);
			assertThat(section.advice()).singleElement()
				.satisfies((advice) -> assertThat(advice.property())
					.isEqualTo("hyperlane.client.services.payments.max-idle-time"));
		});
	}

}
