package dev.hyperlane.samples.payments;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The payments sample. A skeleton for now: it answers {@code GET /payments/ping} so that the storefront and the
 * benchmarks have a second service to call; idempotent authorizations in PostgreSQL come with the samples work.
 */
@SpringBootApplication
public class PaymentsApplication {

	public static void main(String[] args) {
		SpringApplication.run(PaymentsApplication.class, args);
	}

}
