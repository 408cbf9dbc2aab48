package dev.hyperlane.samples.ecommerce.checkout;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The {@code @LoadBalanced WebClient.Builder} that Spring Cloud LoadBalancer documents; the Hyperlane starter
 * puts its connector (per-service pools, timeouts, safe retries) on it like on Boot's own builder.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OrdersProperties.class)
class CheckoutConfiguration {

	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

}
