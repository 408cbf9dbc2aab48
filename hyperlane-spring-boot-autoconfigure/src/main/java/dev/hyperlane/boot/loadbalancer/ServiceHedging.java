package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.retry.RetryBudget;
import dev.hyperlane.boot.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;

/**
 * Hedging of one service: its delay (fixed, or the 95th percentile of the balancer's {@link LatencyWindow} of the
 * service), its budget share and its counts. There is no budget of its own: each hedge is taken from the service's
 * {@link RetryBudget} through its {@link RetryPolicy} ({@link RetryPolicy#tryHedge(double)}), the account the HTTP
 * client's retries and the balancer's retries on another instance spend from, so retries and hedges together stay
 * within the retry budget, and hedges alone within {@code hyperlane.loadbalancer.hedging.budget-percent} of the
 * calls (5 % by default: the share Dean and Barroso's hedged requests add at the 95th percentile delay). Thread-safe.
 */
public final class ServiceHedging {

	private final @Nullable Duration fixedDelay;

	private final LatencyWindow latencies;

	private final double budgetPercent;

	private final Counts<Count> counts = new Counts<>(Count.class);

	ServiceHedging(@Nullable Duration fixedDelay, LatencyWindow latencies, double budgetPercent) {
		this.fixedDelay = fixedDelay;
		this.latencies = latencies;
		this.budgetPercent = budgetPercent;
	}

	/**
	 * Return the delay before a hedge.
	 * @return the delay in nanoseconds, or -1 while the percentile is not known yet
	 */
	long delayNanos() {
		return (this.fixedDelay != null) ? this.fixedDelay.toNanos() : this.latencies.p95Nanos();
	}

	/**
	 * Take a hedge from the service's retry budget, and count the answer.
	 * @param policy the service's retry policy
	 * @return {@code true} when the hedge may be sent
	 */
	boolean tryHedge(RetryPolicy policy) {
		boolean allowed = policy.tryHedge(this.budgetPercent);
		this.counts.increment(allowed ? Count.HEDGES_SENT : Count.BUDGET_REFUSALS);
		return allowed;
	}

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		long delay = delayNanos();
		description.put("delay", (this.fixedDelay != null) ? this.fixedDelay.toString()
				: (delay < 0) ? "p95 (not known yet)" : "p95 = " + LoadBalancerSection.millis(delay) + " ms");
		description.putAll(this.counts.toMap());
		return description;
	}

	/**
	 * What hedging counts, in the order the endpoint's {@code hedging} section shows it.
	 */
	public enum Count {

		/** Hedges sent. */
		HEDGES_SENT,

		/** Hedges whose answer came first. */
		HEDGES_WON,

		/** Hedges the budget refused. */
		BUDGET_REFUSALS

	}

}
