package dev.hyperlane.benchmark.registry;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The calling application: the starter with all its defaults, the documented {@code @LoadBalanced}
 * {@code WebClient.Builder}, and the benchmark's {@link Listing} as its discovery clients.
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class CallerApplication {

	@Bean
	Listing listing() {
		return new Listing();
	}

	@Bean
	Listing.Reactive listingReactiveDiscoveryClient(Listing listing) {
		return new Listing.Reactive(listing);
	}

	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

}
