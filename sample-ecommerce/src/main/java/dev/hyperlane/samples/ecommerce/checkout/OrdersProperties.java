package dev.hyperlane.samples.ecommerce.checkout;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code orders.*}: how pending orders are paid later.
 */
@ConfigurationProperties("orders")
public class OrdersProperties {

	private final PendingRetry pendingRetry = new PendingRetry();

	public PendingRetry getPendingRetry() {
		return this.pendingRetry;
	}

	/**
	 * The background task that asks payments again for orders left {@code PENDING}.
	 */
	public static class PendingRetry {

		/**
		 * Time between two passes, and the least age of an order a pass retries; zero turns the task off.
		 */
		private Duration interval = Duration.ofSeconds(30);

		/**
		 * Most orders one pass retries.
		 */
		private int batchSize = 100;

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public int getBatchSize() {
			return this.batchSize;
		}

		public void setBatchSize(int batchSize) {
			this.batchSize = batchSize;
		}

	}

}
