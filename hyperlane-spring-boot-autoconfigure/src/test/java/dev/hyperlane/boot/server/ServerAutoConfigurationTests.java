package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.Map;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingDescriptor;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.Test;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerConfig;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ServerAutoConfiguration}: every property reaches the {@code HttpServer} configuration, Spring
 * Boot's explicit properties win over Hyperlane's defaults, bad values fail start-up, and the beans back off.
 */
class ServerAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ServerAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");

	@Test
	void defaultsReachTheHttpServer() {
		this.runner.run((context) -> {
			HttpServerConfig config = tune(context.getBean(HyperlaneServerTuner.class));
			// HTTP/1.1 only: the idle timeout (75 s) is applied by RequestHeaderTimeout, not by Reactor Netty's handler
			assertThat(config.idleTimeout()).isNull();
			// HTTP/1.1 bodies are timed by RequestBodyGuard, which answers 408 where Reactor Netty's timeouts give 500
			assertThat(config.readTimeout()).isNull();
			assertThat(config.requestTimeout()).isNull();
			Map<String, EffectiveSetting> effective = context.getBean(HyperlaneServerTuner.class)
				.appliedSettings()
				.effective();
			assertThat(effective.get("hyperlane.server.read-timeout").value()).isEqualTo(Duration.ofSeconds(60));
			assertThat(effective.get("hyperlane.server.request-timeout").value()).isEqualTo(Duration.ofMinutes(5));
			assertThat(config.maxKeepAliveRequests()).isEqualTo(1000);
			assertThat(config.decoder().maxHeaderSize()).isEqualTo(16 * 1024);
			assertThat(config.decoder().maxInitialLineLength()).isEqualTo(4096);
			assertThat(config.minCompressionSize()).isEqualTo(1024);
			assertThat(config.compressPredicate()).isInstanceOf(CompressionPolicy.class);
			Map<ChannelOption<?>, Object> childOptions = Map.copyOf(config.childOptions());
			Map<ChannelOption<?>, Object> options = Map.copyOf(config.options());
			Object allocator = context.getBean(TransportResources.class).allocator();
			assertThat(childOptions).containsEntry(ChannelOption.SO_KEEPALIVE, true)
				.containsEntry(ChannelOption.TCP_NODELAY, true)
				.containsEntry(ChannelOption.ALLOCATOR, allocator);
			assertThat(options).containsEntry(ChannelOption.SO_REUSEADDR, true)
				.containsEntry(ChannelOption.ALLOCATOR, allocator);
			// applied by Hyperlane as connections are accepted (ConnectionLimitTests), not by Reactor Netty's limit
			assertThat(config.maxConnections()).isEqualTo(-1);
			assertThat(effective.get("hyperlane.server.max-connections").value())
				.isEqualTo(ServerCapacity.ofThisProcess().connectionLimit());
			assertThat(effective.get("hyperlane.server.max-connections").source()).isEqualTo(SettingSource.DERIVED);
			assertThat(effective.get("hyperlane.server.max-connections").reason()).contains("max direct memory");
		});
	}

	@Test
	void derivedLimitsFollowDirectMemoryAndFileDescriptors() {
		ServerCapacity capacity = new ServerCapacity(512L * 1024 * 1024, 1_048_576);
		assertThat(capacity.connectionLimit()).isEqualTo(2048);
		assertThat(capacity.requestBodyMemory()).isEqualTo(128L * 1024 * 1024);
		assertThat(new ServerCapacity(512L * 1024 * 1024, 1024).connectionLimit()).isEqualTo(1024 - 102);
		assertThat(new ServerCapacity(512L * 1024 * 1024, 300).connectionLimit()).isEqualTo(300 - 64);
		assertThat(new ServerCapacity(64L * 1024 * 1024, -1).connectionLimit()).isEqualTo(256);
	}

	@Test
	void propertiesReachTheHttpServer() {
		this.runner
			.withPropertyValues("hyperlane.server.idle-timeout=5s", "hyperlane.server.read-timeout=7s",
					"hyperlane.server.request-timeout=9s", "hyperlane.server.max-keep-alive-requests=10",
					"hyperlane.server.max-header-size=4KB", "hyperlane.server.max-initial-line-length=2KB",
					"hyperlane.server.max-connections=50", "hyperlane.server.compression.min-response-size=256B",
					"hyperlane.server.socket.backlog=77", "hyperlane.server.http2.enabled=true",
					"hyperlane.server.http2.max-concurrent-streams=64")
			.run((context) -> {
				HttpServerConfig config = tune(context.getBean(HyperlaneServerTuner.class));
				assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(5));
				// request bodies are timed by RequestBodyGuard (HTTP/1.1) and Http2RequestBodyGuard (HTTP/2) with these
				// values; Reactor Netty's own body timeouts, which end in a 500, stay off on every protocol
				assertThat(config.readTimeout()).isNull();
				assertThat(config.requestTimeout()).isNull();
				assertThat(config.maxKeepAliveRequests()).isEqualTo(10);
				assertThat(config.decoder().maxHeaderSize()).isEqualTo(4096);
				assertThat(config.decoder().maxInitialLineLength()).isEqualTo(2048);
				assertThat(config.maxConnections()).isEqualTo(-1);
				assertThat(config.minCompressionSize()).isEqualTo(256);
				assertThat(Map.<ChannelOption<?>, Object>copyOf(config.options())).containsEntry(ChannelOption.SO_BACKLOG,
						77);
				assertThat(config.http2SettingsSpec()).isNotNull();
				assertThat(config.http2SettingsSpec().maxConcurrentStreams()).isEqualTo(64);
				assertThat(config.protocols()).hasSize(2);
				Map<String, EffectiveSetting> effective = context.getBean(HyperlaneServerTuner.class)
					.appliedSettings()
					.effective();
				assertThat(effective.get("hyperlane.server.idle-timeout").source()).isEqualTo(SettingSource.PROPERTY);
				assertThat(effective.get("hyperlane.server.socket.backlog").source())
					.isEqualTo(SettingSource.PROPERTY);
				assertThat(effective.get("hyperlane.server.read-timeout").describe().value()).isEqualTo("7s");
				assertThat(effective.get("hyperlane.server.max-connections").value()).isEqualTo(50);
			});
	}

	@Test
	void compressionCanBeSwitchedOff() {
		this.runner.withPropertyValues("hyperlane.server.compression.enabled=false").run((context) -> {
			HttpServerConfig config = tune(context.getBean(HyperlaneServerTuner.class));
			assertThat(config.compressPredicate()).isNull();
			assertThat(config.minCompressionSize()).isEqualTo(-1);
		});
	}

	@Test
	void explicitBootPropertiesWinOverHyperlaneDefaults() {
		this.runner
			.withPropertyValues("server.netty.idle-timeout=2s", "server.max-http-request-header-size=10KB",
					"server.compression.enabled=false", "server.netty.max-keep-alive-requests=5")
			.run((context) -> {
				ServerSettings settings = context.getBean(ServerSettings.class);
				assertThat(settings.get(ServerSettings.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.get(ServerSettings.MAX_HEADER_SIZE))
					.isEqualTo(DataSize.ofKilobytes(10));
				assertThat(settings.get(ServerSettings.MAX_KEEP_ALIVE_REQUESTS)).isEqualTo(5);
				assertThat(settings.setting(ServerSettings.COMPRESSION_ENABLED).source())
					.isEqualTo(SettingSource.BOOT_PROPERTY);
				HttpServerConfig config = tune(context.getBean(HyperlaneServerTuner.class));
				assertThat(config.idleTimeout()).isNull();
				assertThat(context.getBean(HyperlaneServerTuner.class)
					.appliedSettings()
					.get(ServerSettings.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
				assertThat(config.compressPredicate()).isNull();
			});
	}

	@Test
	void explicitHyperlanePropertyWinsOverBootProperty() {
		this.runner.withPropertyValues("server.netty.idle-timeout=2s", "hyperlane.server.idle-timeout=3s")
			.run((context) -> {
				ServerSettings settings = context.getBean(ServerSettings.class);
				assertThat(settings.get(ServerSettings.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(3));
				assertThat(settings.setting(ServerSettings.IDLE_TIMEOUT).source())
					.isEqualTo(SettingSource.PROPERTY);
			});
	}

	@Test
	void environmentVariableStyleCountsAsExplicit() {
		this.runner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource(
						StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						Map.of("HYPERLANE_SERVER_IDLETIMEOUT", "4s"))))
			.run((context) -> {
			ServerSettings settings = context.getBean(ServerSettings.class);
			assertThat(settings.get(ServerSettings.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(4));
			assertThat(settings.setting(ServerSettings.IDLE_TIMEOUT).source()).isEqualTo(SettingSource.PROPERTY);
		});
	}

	@Test
	void valuesAlreadySetByACustomizerAreKept() {
		this.runner.run((context) -> {
			HyperlaneServerTuner tuner = context.getBean(HyperlaneServerTuner.class);
			HttpServer customized = HttpServer.create().idleTimeout(Duration.ofSeconds(7));
			// kept, and left with Reactor Netty's handler: its idle timeout cannot be taken back without reflection
			assertThat(tuner.apply(customized).configuration().idleTimeout()).isEqualTo(Duration.ofSeconds(7));
			assertThat(tuner.appliedSettings().get(ServerSettings.IDLE_TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
			EffectiveSetting idle = tuner.appliedSettings().setting(ServerSettings.IDLE_TIMEOUT);
			assertThat(idle.source()).isEqualTo(SettingSource.CUSTOMIZER);
			assertThat(idle.describe()).isEqualTo(new SettingDescriptor("7s", "customizer", idle.reason()));
		});
	}

	@Test
	void outOfRangeValuesFailStartWithThePropertyName() {
		this.runner.withPropertyValues("hyperlane.server.compression.gzip-level=12")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.server.compression.gzip-level")
				.hasMessageContaining("12"));
		this.runner.withPropertyValues("hyperlane.server.idle-timeout=0s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("hyperlane.server.idle-timeout"));
		this.runner
			.withPropertyValues("hyperlane.server.socket.write-buffer-low-water-mark=64KB",
					"hyperlane.server.socket.write-buffer-high-water-mark=32KB")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("write-buffer"));
		this.runner.withPropertyValues("server.netty.idle-timeout=-1s")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("boot-property"));
	}

	@Test
	void factoryCustomizerAddsTheTunerLast() {
		this.runner.run((context) -> {
			HyperlaneServerFactoryCustomizer customizer = context.getBean(HyperlaneServerFactoryCustomizer.class);
			NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
			factory.addServerCustomizers((server) -> server.idleTimeout(Duration.ofSeconds(1)));
			customizer.customize(factory);
			assertThat(factory.getServerCustomizers()).hasSize(2);
			assertThat(customizer.getOrder()).isGreaterThan(0);
		});
	}

	@Test
	void factoryCustomizerHandsHttp2ToTheFactorySoThatTlsOffersH2() {
		this.runner.withPropertyValues("hyperlane.server.http2.enabled=true").run((context) -> {
			NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
			context.getBean(HyperlaneServerFactoryCustomizer.class).customize(factory);
			assertThat(factory.getHttp2()).isNotNull();
			assertThat(factory.getHttp2().isEnabled()).isTrue();
		});
	}

	@Test
	void bodyLimitAndRequestFiltersAreRegisteredAndBackOff() {
		this.runner.run((context) -> assertThat(context).hasSingleBean(MaxInMemorySizeCodecCustomizer.class)
			.hasSingleBean(AnsweredRequestHandler.class)
			.doesNotHaveBean(ConcurrencyLimitWebFilter.class));
		this.runner.withUserConfiguration(UserFilter.class)
			.run((context) -> assertThat(context.getBean(AnsweredRequestHandler.class)).isSameAs(UserFilter.filter));
	}

	@Test
	void userTunerWins() {
		this.runner.withUserConfiguration(UserTuner.class)
			.run((context) -> assertThat(context.getBean(HyperlaneServerTuner.class)).isSameAs(UserTuner.tuner));
	}

	@Test
	void backsOff() {
		this.runner.withPropertyValues("hyperlane.server.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneServerTuner.class)
				.hasSingleBean(TransportResources.class));
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneServerTuner.class)
				.doesNotHaveBean(TransportResources.class));
		this.runner.withClassLoader(new FilteredClassLoader(NettyReactiveWebServerFactory.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneServerTuner.class));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ServerAutoConfiguration.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneServerTuner.class));
	}

	private static HttpServerConfig tune(HyperlaneServerTuner tuner) {
		return tuner.apply(HttpServer.create()).configuration();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserFilter {

		static final AnsweredRequestHandler filter = new AnsweredRequestHandler(new ServerStatistics());

		@Bean
		AnsweredRequestHandler userAnsweredRequestHandler() {
			return filter;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserTuner {

		static HyperlaneServerTuner tuner;

		@Bean
		HyperlaneServerTuner userTuner(ServerSettings settings, TransportResources transport) {
			tuner = new HyperlaneServerTuner(settings, transport, new ServerStatistics());
			return tuner;
		}

	}

}
