package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;

/**
 * Peak-EWMA latency of one instance, as Finagle and Linkerd balance with it: an exponentially weighted moving
 * average of round-trip times that jumps straight to any sample above it (so a slowdown is seen at once) and
 * decays towards faster samples with a time constant (default 10 s), whatever the request rate. The balancing
 * cost is the average times the requests in flight plus one. Thread-safe.
 */
public final class PeakEwma {

	private final double decayNanos;

	private double averageNanos;

	private long lastUpdateNanos;

	/**
	 * Create an estimator.
	 * @param initial the latency assumed before the first sample (a new instance is neither favoured nor shunned)
	 * @param decay the time constant of the average
	 * @param nowNanos the current time of the clock the samples use
	 */
	public PeakEwma(Duration initial, Duration decay, long nowNanos) {
		this.decayNanos = Math.max(1, decay.toNanos());
		this.averageNanos = initial.toNanos();
		this.lastUpdateNanos = nowNanos;
	}

	/**
	 * Add a round-trip time.
	 * @param rttNanos the sample, in nanoseconds
	 * @param nowNanos when it completed
	 */
	public synchronized void observe(long rttNanos, long nowNanos) {
		double sample = Math.max(0, rttNanos);
		if (sample > this.averageNanos) {
			this.averageNanos = sample;
		}
		else {
			double elapsed = Math.max(0, nowNanos - this.lastUpdateNanos);
			double weight = Math.exp(-elapsed / this.decayNanos);
			this.averageNanos = this.averageNanos * weight + sample * (1 - weight);
		}
		this.lastUpdateNanos = Math.max(this.lastUpdateNanos, nowNanos);
	}

	/**
	 * Return the current average.
	 * @return the average round-trip time in nanoseconds
	 */
	public synchronized double averageNanos() {
		return this.averageNanos;
	}

	/**
	 * Return the balancing cost: the average times the requests in flight plus one.
	 * @param inFlight requests in flight to the instance
	 * @return the cost; lower is better
	 */
	public double cost(int inFlight) {
		return averageNanos() * (inFlight + 1);
	}

}
