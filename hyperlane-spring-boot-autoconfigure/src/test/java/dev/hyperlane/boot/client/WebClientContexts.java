package dev.hyperlane.boot.client;

import dev.hyperlane.boot.transport.TransportAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

/**
 * The application context the client tests start: Hyperlane's transport and client auto-configurations with
 * Spring Boot's HTTP client and WebClient ones, and event loops that stop without a quiet period.
 */
final class WebClientContexts {

	private WebClientContexts() {
	}

	static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ClientAutoConfiguration.class,
					HttpClientAutoConfiguration.class, ReactiveHttpClientAutoConfiguration.class,
					WebClientAutoConfiguration.class))
			.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");
	}

}
