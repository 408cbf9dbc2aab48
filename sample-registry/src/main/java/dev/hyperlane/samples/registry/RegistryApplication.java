package dev.hyperlane.samples.registry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cloud.netflix.eureka.server.EnableEurekaServer;

/**
 * A stand-alone Eureka server (Spring Cloud Netflix does all the work): the samples' {@code eureka} profile
 * registers sample-payments and sample-ecommerce with it, and the storefront discovers the payments instances
 * through it. One node, no peers, its registry in memory; tuned in its {@code application.yml} so that a departed
 * instance leaves the answers within a second of its cancel or lease expiry (see README, "Running with a
 * registry").
 */
@SpringBootApplication
@EnableEurekaServer
public class RegistryApplication {

	public static void main(String[] args) {
		SpringApplication.run(RegistryApplication.class, args);
	}

}
