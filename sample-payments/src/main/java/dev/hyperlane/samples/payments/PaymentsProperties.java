package dev.hyperlane.samples.payments;

import java.math.BigDecimal;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code payments.*}: the instance name, the simulated acquirer, the idempotency waits and the pause between
 * leaving the registry and shutting down. A value out of range
 * stops start-up with a message naming the property (Bean Validation through {@code @Validated}).
 */
@ConfigurationProperties("payments")
@Validated
public class PaymentsProperties {

	/**
	 * Name of this instance, shown in answers and stored with each payment it authorized.
	 */
	@NotBlank
	private String instanceId = "sample-payments";

	@Valid
	private final Acquirer acquirer = new Acquirer();

	@Valid
	private final Idempotency idempotency = new Idempotency();

	private final Shutdown shutdown = new Shutdown();

	public String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(String instanceId) {
		this.instanceId = instanceId;
	}

	public Acquirer getAcquirer() {
		return this.acquirer;
	}

	public Idempotency getIdempotency() {
		return this.idempotency;
	}

	public Shutdown getShutdown() {
		return this.shutdown;
	}

	/**
	 * The simulated acquirer (the card network behind a payment service).
	 */
	public static class Acquirer {

		/**
		 * Time each authorization takes; raise it on one instance to show latency-aware balancing.
		 */
		private Duration latency = Duration.ofMillis(20);

		/**
		 * Share of authorizations, from 0 to 1, that fail with a technical error (502, the key stays free for a
		 * retry); raise it on one instance to show outlier ejection.
		 */
		@DecimalMin("0")
		@DecimalMax("1")
		private double failureRate;

		/**
		 * Amounts above this are declined (a business answer, stored like an authorization).
		 */
		private BigDecimal limit = new BigDecimal("10000.00");

		public Duration getLatency() {
			return this.latency;
		}

		public void setLatency(Duration latency) {
			this.latency = latency;
		}

		public double getFailureRate() {
			return this.failureRate;
		}

		public void setFailureRate(double failureRate) {
			this.failureRate = failureRate;
		}

		public BigDecimal getLimit() {
			return this.limit;
		}

		public void setLimit(BigDecimal limit) {
			this.limit = limit;
		}

	}

	/**
	 * How duplicates of a request that is still being authorized are answered.
	 */
	public static class Idempotency {

		/**
		 * How long a duplicate waits for the first request's result before it gets 409 with Retry-After.
		 */
		private Duration waitTimeout = Duration.ofSeconds(10);

		/**
		 * Age after which a payment still being authorized is taken over by a duplicate: its instance stopped
		 * mid-authorization.
		 */
		private Duration processingTimeout = Duration.ofSeconds(30);

		/**
		 * Pause before a duplicate looks again at a payment that is still being authorized; doubled after each
		 * look, up to 500 ms.
		 */
		private Duration pollInterval = Duration.ofMillis(20);

		public Duration getWaitTimeout() {
			return this.waitTimeout;
		}

		public void setWaitTimeout(Duration waitTimeout) {
			this.waitTimeout = waitTimeout;
		}

		public Duration getProcessingTimeout() {
			return this.processingTimeout;
		}

		public void setProcessingTimeout(Duration processingTimeout) {
			this.processingTimeout = processingTimeout;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

	}

	/**
	 * What happens between SIGTERM and Spring's graceful shutdown.
	 */
	public static class Shutdown {

		/**
		 * Pause after the instance left its service registry (the Eureka client sends its DOWN status when the
		 * context closes) and before the web server stops taking new connections, so that callers see the
		 * departure at their next registry fetch and stop choosing it; requests arriving meanwhile are served.
		 * Zero (the default, no registry) goes straight to the graceful shutdown.
		 */
		private Duration deregistrationDelay = Duration.ZERO;

		public Duration getDeregistrationDelay() {
			return this.deregistrationDelay;
		}

		public void setDeregistrationDelay(Duration deregistrationDelay) {
			this.deregistrationDelay = deregistrationDelay;
		}

	}

}
