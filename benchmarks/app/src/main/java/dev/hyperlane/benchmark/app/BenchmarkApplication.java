package dev.hyperlane.benchmark.app;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The benchmark application: the endpoints of {@link BenchmarkController}, the {@code @LoadBalanced}
 * {@link WebClient.Builder} the Spring Cloud LoadBalancer documentation shows, and a plain one. Backend instances come from
 * Spring Cloud's simple discovery client ({@code spring.cloud.discovery.client.simple.instances.<service>}),
 * given on the command line by {@code benchmarks/run.sh}.
 *
 * @author Hyperlane
 */
@SpringBootApplication
public class BenchmarkApplication {

	/**
	 * Builder of the edge endpoint's client; load-balanced across the service's instances.
	 * @return a new builder
	 */
	@Bean
	@LoadBalanced
	WebClient.Builder loadBalancedWebClientBuilder() {
		return WebClient.builder();
	}

	/**
	 * Builder of the upstream endpoint's client: plain, not load-balanced.
	 * @return a new builder
	 */
	@Bean
	WebClient.Builder plainWebClientBuilder() {
		return WebClient.builder();
	}

	/**
	 * Starts the application.
	 * @param args command-line arguments (Spring Boot properties)
	 */
	public static void main(String[] args) {
		SpringApplication.run(BenchmarkApplication.class, args);
	}

}
