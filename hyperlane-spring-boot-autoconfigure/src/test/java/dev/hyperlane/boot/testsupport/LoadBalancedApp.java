package dev.hyperlane.boot.testsupport;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * An application with every auto-configuration and the {@code @LoadBalanced WebClient.builder()} bean Spring Cloud
 * LoadBalancer documents; tests start it directly or import it.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
public class LoadBalancedApp {

	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

}
