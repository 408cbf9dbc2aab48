package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import dev.hyperlane.boot.retry.RetryBudget;
import org.jspecify.annotations.Nullable;

/**
 * Hedging of one service: its delay (fixed, or the {@link LatencyWindow}'s 95th percentile), its budget and its
 * counts. The budget is a {@link RetryBudget}, the retry budget's accounting (every call earns a share of a hedge
 * over the window; a hedge takes one), at {@code hyperlane.loadbalancer.hedging.budget-percent} of the calls and no
 * floor per second. Thread-safe.
 */
public final class ServiceHedging {

	private final @Nullable Duration fixedDelay;

	private final LatencyWindow latencies = new LatencyWindow();

	private final RetryBudget budget;

	final LongAdder sent = new LongAdder();

	final LongAdder won = new LongAdder();

	final LongAdder refused = new LongAdder();

	ServiceHedging(@Nullable Duration fixedDelay, double budgetPercent, Duration window) {
		this.fixedDelay = fixedDelay;
		this.budget = new RetryBudget(budgetPercent, 0, window, System::currentTimeMillis);
	}

	/**
	 * Return the delay before a hedge.
	 * @return the delay in nanoseconds, or -1 while the percentile is not known yet
	 */
	long delayNanos() {
		return (this.fixedDelay != null) ? this.fixedDelay.toNanos() : this.latencies.p95Nanos();
	}

	void called(long latencyNanos) {
		this.latencies.record(latencyNanos);
	}

	void record() {
		this.budget.record();
	}

	boolean tryHedge() {
		if (this.budget.tryAcquire()) {
			this.sent.increment();
			return true;
		}
		this.refused.increment();
		return false;
	}

	/**
	 * Return the hedges sent.
	 * @return the count
	 */
	public long sent() {
		return this.sent.sum();
	}

	/**
	 * Return the hedges whose answer came first.
	 * @return the count
	 */
	public long won() {
		return this.won.sum();
	}

	/**
	 * Return the hedges the budget refused.
	 * @return the count
	 */
	public long refused() {
		return this.refused.sum();
	}

	Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		long delay = delayNanos();
		description.put("delay", (this.fixedDelay != null) ? this.fixedDelay.toString()
				: (delay < 0) ? "p95 (not known yet)" : "p95 = " + Math.round(delay / 10_000.0) / 100.0 + " ms");
		description.put("hedgesSent", sent());
		description.put("hedgesWon", won());
		description.put("budgetRefusals", refused());
		return description;
	}

}
