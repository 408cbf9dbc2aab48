package dev.hyperlane.samples.payments.acquirer;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import reactor.core.publisher.Mono;

import dev.hyperlane.samples.payments.PaymentsProperties;

import org.springframework.stereotype.Component;

/**
 * A stand-in for the card network: answers after {@code payments.acquirer.latency}, fails with
 * {@link AcquirerUnavailableException} for a {@code payments.acquirer.failure-rate} share of the calls, declines
 * amounts above {@code payments.acquirer.limit} and approves the rest with a random six-character code.
 */
@Component
public class SimulatedAcquirer {

	private final PaymentsProperties.Acquirer properties;

	public SimulatedAcquirer(PaymentsProperties properties) {
		this.properties = properties.getAcquirer();
	}

	/**
	 * Ask for an authorization.
	 * @param paymentId the payment, the reference a real acquirer deduplicates on
	 * @param amount the amount
	 * @param currency the ISO 4217 code
	 * @return the decision, or an {@link AcquirerUnavailableException} error
	 */
	public Mono<AcquirerDecision> authorize(UUID paymentId, BigDecimal amount, String currency) {
		Mono<AcquirerDecision> decision = Mono.fromSupplier(() -> decide(amount));
		return this.properties.getLatency().isZero() ? decision
				: decision.delaySubscription(this.properties.getLatency());
	}

	private AcquirerDecision decide(BigDecimal amount) {
		if (ThreadLocalRandom.current().nextDouble() < this.properties.getFailureRate()) {
			throw new AcquirerUnavailableException("simulated acquirer failure (payments.acquirer.failure-rate="
					+ this.properties.getFailureRate() + ")");
		}
		if (amount.compareTo(this.properties.getLimit()) > 0) {
			return new AcquirerDecision(false, null, "amount above the limit of " + this.properties.getLimit());
		}
		String code = Long.toString(ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36 * 36), 36)
			.toUpperCase(Locale.ROOT);
		return new AcquirerDecision(true, "0".repeat(6 - code.length()) + code, null);
	}

}
