package dev.hyperlane.boot.server;

import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Tunes Spring Boot's Reactor Netty web server with {@code hyperlane.server.*}. Backs off when the application is
 * not a reactive web application, when Reactor Netty or Boot's Netty server module is absent, with
 * {@code hyperlane.enabled=false} or {@code hyperlane.server.enabled=false}; each bean backs off when the
 * application defines its own.
 */
@AutoConfiguration(after = TransportAutoConfiguration.class)
@ConditionalOnClass({ HttpServer.class, NettyReactiveWebServerFactory.class })
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnBean(TransportResources.class)
@ConditionalOnBooleanProperty(name = "hyperlane.enabled", matchIfMissing = true)
@ConditionalOnBooleanProperty(name = "hyperlane.server.enabled", matchIfMissing = true)
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
	ServerSection hyperlaneServerSection(HyperlaneServerTuner tuner) {
		return new ServerSection(tuner);
	}

	@Bean
	@ConditionalOnMissingBean
	HyperlaneServerFactoryCustomizer hyperlaneServerFactoryCustomizer(HyperlaneServerTuner tuner) {
		return new HyperlaneServerFactoryCustomizer(tuner);
	}

	@Bean
	@ConditionalOnMissingBean
	AnsweredRequestFilter hyperlaneAnsweredRequestFilter(ServerStatistics statistics) {
		return new AnsweredRequestFilter(statistics);
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
