package dev.hyperlane.samples.payments;

import dev.hyperlane.samples.support.EmbeddedDatabaseConfiguration;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/**
 * The payments sample: authorizes payments exactly once per {@code Idempotency-Key}, stored through R2DBC
 * (PostgreSQL, or an in-memory H2 database by default) with Flyway migrations, against a simulated acquirer whose
 * latency and failure rate are properties.
 */
@SpringBootApplication
@Import(EmbeddedDatabaseConfiguration.class)
@ConfigurationPropertiesScan
public class PaymentsApplication {

	public static void main(String[] args) {
		SpringApplication.run(PaymentsApplication.class, args);
	}

}
