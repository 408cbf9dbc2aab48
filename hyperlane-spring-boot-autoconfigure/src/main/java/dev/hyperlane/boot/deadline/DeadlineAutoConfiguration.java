package dev.hyperlane.boot.deadline;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.ExchangeFilterWebClientCustomizer;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Deadline propagation with {@code hyperlane.deadline.*}: a {@link DeadlineWebFilter} on the reactive server that
 * keeps each request's deadline and answers 504 when it passes, and a {@link DeadlineExchangeFilterFunction} on
 * every {@code WebClient.Builder} the starter tunes (Spring Boot's, and the application's own builder beans such as
 * {@code @LoadBalanced} ones) that bounds each call by the time left and passes it on. Off with
 * {@code hyperlane.deadline.enabled=false}.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration")
@ConditionalOnHyperlane("deadline")
@EnableConfigurationProperties(HyperlaneDeadlineProperties.class)
public final class DeadlineAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	DeadlineHeaders hyperlaneDeadlineHeaders(HyperlaneDeadlineProperties properties) {
		return new DeadlineHeaders(properties);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineStatistics hyperlaneDeadlineStatistics() {
		return new DeadlineStatistics();
	}

	@Bean
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnMissingBean
	DeadlineWebFilter hyperlaneDeadlineWebFilter(DeadlineHeaders headers, DeadlineStatistics statistics) {
		return new DeadlineWebFilter(headers, statistics);
	}

	@Bean
	@ConditionalOnMissingBean
	DeadlineSection hyperlaneDeadlineSection(HyperlaneDeadlineProperties properties, DeadlineHeaders headers,
			DeadlineStatistics statistics) {
		return new DeadlineSection(properties, headers, statistics);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ WebClient.class, WebClientCustomizer.class })
	static class WebClientDeadlineConfiguration {

		@Bean
		@ConditionalOnMissingBean
		DeadlineExchangeFilterFunction hyperlaneDeadlineExchangeFilterFunction(DeadlineHeaders headers,
				DeadlineStatistics statistics) {
			return new DeadlineExchangeFilterFunction(headers, statistics);
		}

		@Bean
		ExchangeFilterWebClientCustomizer hyperlaneDeadlineWebClientCustomizer(DeadlineExchangeFilterFunction filter) {
			return new ExchangeFilterWebClientCustomizer(filter);
		}

	}

}
