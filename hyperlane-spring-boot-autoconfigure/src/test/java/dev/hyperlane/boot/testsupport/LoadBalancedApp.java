package dev.hyperlane.boot.testsupport;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The application the load-balancing tests start: every auto-configuration on the class path and the documented
 * {@code @LoadBalanced WebClient.Builder} bean, so that calls to {@code http://<service>/...} go through Spring
 * Cloud LoadBalancer and the starter's balancer. Tests add their routes with {@code @Import} of this class.
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
