package dev.hyperlane.boot.server;

import com.netflix.concurrency.limits.Limiter;
import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import reactor.netty.http.server.HttpServer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Tunes Spring Boot's Reactor Netty web server with {@code hyperlane.server.*}. Backs off when the application is
 * not a reactive web application, when Reactor Netty or Boot's Netty server module is absent, with
 * {@code hyperlane.enabled=false} or {@code hyperlane.server.enabled=false}; each bean backs off when the
 * application defines its own. The concurrency limit is added with
 * {@code hyperlane.server.concurrency-limit.enabled=true} (Netflix's concurrency-limits-core must be on the class
 * path, or start-up fails naming the property), its meters when Micrometer is present.
 */
@AutoConfiguration(after = TransportAutoConfiguration.class)
@ConditionalOnClass({ HttpServer.class, NettyReactiveWebServerFactory.class })
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnBean(TransportResources.class)
@ConditionalOnHyperlane("server")
@EnableConfigurationProperties(HyperlaneServerProperties.class)
public final class ServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ServerSettings hyperlaneServerSettings(HyperlaneServerProperties properties, Environment environment,
			TransportResources transport) {
		return ServerSettings.resolve(properties, new ExplicitProperties(environment), Binder.get(environment),
				transport.socketOptionMapper());
	}

	@Bean
	@ConditionalOnMissingBean
	ServerStatistics hyperlaneServerStatistics() {
		return new ServerStatistics();
	}

	@Bean
	@ConditionalOnMissingBean
	HyperlaneServerTuner hyperlaneServerTuner(ServerSettings settings, TransportResources transport,
			ServerStatistics statistics) {
		return new HyperlaneServerTuner(settings, transport, statistics);
	}

	@Bean
	@ConditionalOnMissingBean
	HyperlaneServerFactoryCustomizer hyperlaneServerFactoryCustomizer(HyperlaneServerTuner tuner) {
		return new HyperlaneServerFactoryCustomizer(tuner);
	}

	@Bean
	@ConditionalOnMissingBean
	ServerSection hyperlaneServerSection(HyperlaneServerTuner tuner,
			ObjectProvider<ServerConcurrencyLimiter> limiter) {
		return new ServerSection(tuner, limiter.getIfAvailable());
	}

	/**
	 * The starter's parts of the WebFlux chain Spring Boot builds for the application ({@code HttpHandler}): the
	 * answered-request exception handler, and the customizer that runs the starter's filters and exception handlers
	 * as fewer links. Without Spring Boot's WebFlux module nothing builds that chain.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(WebHttpHandlerBuilderCustomizer.class)
	static class WebChainConfiguration {

		@Bean
		@ConditionalOnMissingBean
		AnsweredRequestHandler hyperlaneAnsweredRequestHandler(ServerStatistics statistics) {
			return new AnsweredRequestHandler(statistics);
		}

		@Bean
		@ConditionalOnMissingBean
		StarterWebChain hyperlaneStarterWebChain() {
			return new StarterWebChain();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBooleanProperty("hyperlane.server.concurrency-limit.enabled")
	static class ConcurrencyLimitConfiguration {

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(Limiter.class)
		static class LimiterConfiguration {

			@Bean
			@ConditionalOnMissingBean
			ServerConcurrencyLimiter hyperlaneServerConcurrencyLimiter(ServerSettings settings) {
				return new ServerConcurrencyLimiter(settings);
			}

			@Bean
			@ConditionalOnMissingBean
			ConcurrencyLimitWebFilter hyperlaneConcurrencyLimitWebFilter(ServerConcurrencyLimiter limiter) {
				return new ConcurrencyLimitWebFilter(limiter);
			}

		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnMissingClass("com.netflix.concurrency.limits.Limiter")
		static class MissingLimiterConfiguration {

			@Bean
			Object hyperlaneConcurrencyLimitUnavailable() {
				throw new HyperlaneSettingException("hyperlane.server.concurrency-limit.enabled",
						"the concurrency limit needs Netflix's concurrency-limits-core on the class path",
						"Add the dependency com.netflix.concurrency-limits:concurrency-limits-core (an add-on: the"
								+ " Hyperlane starter does not bring it), or set hyperlane.server.concurrency-limit.enabled=false.");
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(CodecCustomizer.class)
	static class CodecConfiguration {

		@Bean
		@ConditionalOnMissingBean
		MaxInMemorySizeCodecCustomizer hyperlaneMaxInMemorySizeCodecCustomizer(ServerSettings settings) {
			return new MaxInMemorySizeCodecCustomizer(settings);
		}

	}

}
