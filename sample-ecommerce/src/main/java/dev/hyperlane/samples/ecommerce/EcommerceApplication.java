package dev.hyperlane.samples.ecommerce;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The storefront sample: a WebFlux service whose only infrastructure dependency is the Hyperlane starter (plus
 * R2DBC for its catalog). Runs on an embedded H2 database by default.
 */
@SpringBootApplication
public class EcommerceApplication {

	public static void main(String[] args) {
		SpringApplication.run(EcommerceApplication.class, args);
	}

}
