package dev.hyperlane.boot.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.CallerDeadlines;
import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.SocketOption;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.reactive.ClientHttpConnectorBuilder;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.restclient.RestClientCustomizer;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.web.client.RestClient;

/**
 * Tunes the Reactor Netty client behind every {@code WebClient}, and behind every {@code RestClient} built from
 * Spring Boot's {@code RestClient.Builder} (Spring MVC services too), with {@code hyperlane.client.*}: one
 * {@link ServiceClient} (own connection pool, timeouts, retry budget) per configured service and one for every
 * other host, behind one {@link HyperlaneClientHttpConnector}. Each service's {@code HttpClient} is built by
 * Spring Boot's {@code ClientHttpConnectorBuilder}, so Boot's {@code spring.http.clients.*} settings and the
 * application's {@code ClientHttpConnectorBuilderCustomizer} beans apply after Hyperlane's and win. Backs off when
 * the application declares its own {@code ClientHttpConnector}, chooses another connector
 * ({@code spring.http.clients.reactive.connector}), or sets {@code hyperlane.client.enabled=false}.
 */
@AutoConfiguration(after = TransportAutoConfiguration.class,
		beforeName = { "org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
				"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnClass({ HttpClient.class, ClientHttpConnector.class, ReactorClientHttpConnectorBuilder.class })
@ConditionalOnBean(TransportResources.class)
@ConditionalOnHyperlane("client")
@ConditionalOnProperty(name = "spring.http.clients.reactive.connector", havingValue = "reactor", matchIfMissing = true)
@EnableConfigurationProperties(HyperlaneClientProperties.class)
public final class ClientAutoConfiguration {

	@Bean(destroyMethod = "dispose")
	@ConditionalOnMissingBean(ClientHttpConnector.class)
	HyperlaneClientHttpConnector hyperlaneClientHttpConnector(HyperlaneClientProperties properties,
			TransportResources transport, ObjectProvider<ClientHttpConnectorBuilder<?>> connectorBuilder,
			ObjectProvider<HttpClientSettings> httpClientSettings, ObjectProvider<PoolMeterBinder> meters,
			ObjectProvider<SslBundles> sslBundles, Environment environment) {
		rejectListenerOptions(environment);
		ReactorClientHttpConnectorBuilder base = (connectorBuilder
			.getIfAvailable() instanceof ReactorClientHttpConnectorBuilder reactor) ? reactor
					: ClientHttpConnectorBuilder.reactor();
		HttpClientSettings bootSettings = httpClientSettings.getIfAvailable(HttpClientSettings::defaults);
		PoolMeterBinder meterBinder = meters.getIfAvailable();
		Map<String, ServiceClient> services = new LinkedHashMap<>();
		properties.services().forEach((name, options) -> {
			ClientSettings settings = ClientSettings.resolve(name, properties.defaults(), options,
					transport.socketOptionMapper());
			ServiceClient client = new ServiceClient(settings, bootOverrides(settings, bootSettings), transport,
					meterBinder, connectorFactory(base, settings, bootSettings), sslBundle(settings, sslBundles));
			client.applyBootTimeouts(bootSettings.connectTimeout(), bootSettings.readTimeout());
			services.put(name, client);
		});
		ClientSettings defaults = ClientSettings.resolve(null, properties.defaults(), null,
				transport.socketOptionMapper());
		ServiceClient fallback = new ServiceClient(defaults, bootOverrides(defaults, bootSettings), transport,
				meterBinder, connectorFactory(base, defaults, bootSettings), sslBundle(defaults, sslBundles));
		fallback.applyBootTimeouts(bootSettings.connectTimeout(), bootSettings.readTimeout());
		return new HyperlaneClientHttpConnector(services, fallback);
	}

	/**
	 * Fail on a socket option of listening sockets set for a client (backlog, reuse-address, reuse-port,
	 * tcp-fast-open): the client's socket options do not offer them, so binding would drop them without a word.
	 * Property names are read from the environment, as a service with no other setting is not bound at all.
	 */
	private static void rejectListenerOptions(Environment environment) {
		ConfigurationPropertyName client = ConfigurationPropertyName.of("hyperlane.client");
		for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
			if (!(source instanceof IterableConfigurationPropertySource names)) {
				continue;
			}
			for (ConfigurationPropertyName name : names) {
				int elements = name.getNumberOfElements();
				if (!client.isAncestorOf(name) || elements < 4
						|| !"socket".equals(name.getElement(elements - 2, ConfigurationPropertyName.Form.DASHED))) {
					continue;
				}
				String last = name.getLastElement(ConfigurationPropertyName.Form.DASHED);
				for (SocketOption option : SocketOption.values()) {
					if (option.listenerOnly() && option.propertyName().equals(last)) {
						throw new HyperlaneSettingException(name.toString(),
								"applies to listening sockets only, and a client has none",
								"Remove " + name + "; the server's listening socket is tuned with hyperlane.server.socket."
										+ last + ".");
					}
				}
			}
		}
	}

	private static @Nullable SslBundle sslBundle(ClientSettings settings, ObjectProvider<SslBundles> sslBundles) {
		String name = settings.sslBundle();
		if (name == null) {
			return null;
		}
		EffectiveSetting setting = settings.effective().get("ssl-bundle");
		String property = (setting != null) ? setting.property() : "hyperlane.client.defaults.ssl-bundle";
		SslBundles bundles = sslBundles.getIfAvailable();
		try {
			if (bundles != null) {
				return bundles.getBundle(name);
			}
		}
		catch (NoSuchSslBundleException ex) {
			throw new HyperlaneSettingException(property, "there is no SSL bundle named '" + name + "'",
					"Declare it under spring.ssl.bundle.* or correct " + property + ".", ex);
		}
		throw new HyperlaneSettingException(property, "SSL bundles are not configured",
				"Declare the bundle '" + name + "' under spring.ssl.bundle.*.");
	}

	private static Function<HttpClient, ClientHttpConnector> connectorFactory(ReactorClientHttpConnectorBuilder base,
			ClientSettings settings, HttpClientSettings bootSettings) {
		return (client) -> base.withHttpClientFactory(() -> client)
			.withHttpClientCustomizer((built) -> settings.compression() ? built : built.compress(false))
			.build(bootSettings);
	}

	private static Map<String, EffectiveSetting> bootOverrides(ClientSettings settings,
			HttpClientSettings bootSettings) {
		Map<String, EffectiveSetting> overrides = new LinkedHashMap<>();
		if (bootSettings.connectTimeout() != null) {
			overrides.put("connect-timeout", new EffectiveSetting("spring.http.clients.connect-timeout",
					bootSettings.connectTimeout(), SettingSource.BOOT_PROPERTY,
					"Spring Boot's spring.http.clients.connect-timeout is set and wins"));
		}
		if (bootSettings.readTimeout() != null) {
			// Boot applies it as Reactor Netty's responseTimeout: the longest pause between any two reads
			String reason = "Spring Boot's spring.http.clients.read-timeout is set and wins, with Boot's meaning:"
					+ " the longest pause between any two reads, headers and body";
			overrides.put("response-timeout", new EffectiveSetting("spring.http.clients.read-timeout",
					bootSettings.readTimeout(), SettingSource.BOOT_PROPERTY, reason));
			overrides.put("read-idle-timeout", new EffectiveSetting("spring.http.clients.read-timeout",
					bootSettings.readTimeout(), SettingSource.BOOT_PROPERTY, reason));
		}
		return overrides;
	}

	@Bean
	@ConditionalOnBean(HyperlaneClientHttpConnector.class)
	@ConditionalOnMissingBean
	ClientSection hyperlaneClientSection(HyperlaneClientHttpConnector connector,
			ObjectProvider<CallerDeadlines> callerDeadlines) {
		return new ClientSection(connector, callerDeadlines.orderedStream().toList());
	}

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnMissingBean
	PoolExhaustedExceptionHandler hyperlanePoolExhaustedExceptionHandler() {
		return new PoolExhaustedExceptionHandler();
	}

	@Bean
	@ConditionalOnClass(WebClientCustomizer.class)
	static WebClientBuilderPostProcessor hyperlaneWebClientBuilderPostProcessor(
			ObjectProvider<WebClientCustomizer> customizers) {
		return new WebClientBuilderPostProcessor(customizers);
	}

	@Bean
	@ConditionalOnClass(WebClientCustomizer.class)
	WebClientCustomizer hyperlaneWebClientCustomizedMark() {
		return WebClientBuilderPostProcessor.marking();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ RestClient.class, RestClientCustomizer.class })
	static class RestClientConfiguration {

		@Bean
		@Order(0)
		RestClientCustomizer hyperlaneRestClientCustomizer(ObjectProvider<HyperlaneClientHttpConnector> connector) {
			return (builder) -> connector
				.ifAvailable((available) -> builder.requestFactory(new HyperlaneClientHttpRequestFactory(available)));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	static class PoolMetersConfiguration {

		// The registry is looked up when a pool is created, not when conditions are evaluated: Boot's own
		// registry is defined by an auto-configuration that is evaluated after this one.
		@Bean
		MicrometerPoolMeterBinder hyperlanePoolMeterBinder(ObjectProvider<MeterRegistry> registry) {
			return new MicrometerPoolMeterBinder(registry::getIfAvailable, 100);
		}

	}

}
