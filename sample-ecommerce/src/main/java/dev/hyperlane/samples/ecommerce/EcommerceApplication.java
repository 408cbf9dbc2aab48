package dev.hyperlane.samples.ecommerce;

import dev.hyperlane.samples.support.EmbeddedDatabaseConfiguration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Import;

/**
 * The storefront sample: a WebFlux service whose only infrastructure dependency is the Hyperlane starter (plus
 * R2DBC, Flyway and Redis for its catalog and orders). Runs on an embedded H2 database and an in-process cache by
 * default, and calls the payments service through Spring Cloud LoadBalancer.
 */
@SpringBootApplication
@Import(EmbeddedDatabaseConfiguration.class)
public class EcommerceApplication {

	public static void main(String[] args) {
		SpringApplication.run(EcommerceApplication.class, args);
	}

}
