package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;

/**
 * Peak-EWMA latency of one instance, as Finagle and Linkerd balance with it: an exponentially weighted moving
 * average of round-trip times that jumps straight to any sample above it (so a slowdown is seen at once) and
 * decays with a time constant (default 10 s), whatever the request rate. Between samples the average decays
 * towards zero, as if an idle instance answered instantly (Finagle's and Linkerd's estimators read the same way):
 * an instance shunned after a failure or a slow spell is tried again after a few time constants instead of never
 * (a 1 s failure penalty falls to 1 ms in about 70 s with the default). The balancing cost is the average times
 * the requests in flight plus one.
 * <p>
 * It also keeps the plain moving average of the same samples (no jump to a peak, the same decay) and how many samples
 * it has seen: a caller that stalls (a GC pause, a starved CPU) delays every instance's answers at once, and with
 * a 10 s decay those peaks, common to every instance, hold each peak average near the longest stall of the last
 * seconds, which hides how much slower one instance is; the plain average is moved by a stall only in proportion to
 * its length, so {@link #meanNanos(long)} tells instances apart where the peak average does not (see
 * {@link InstanceState#isLatencyOutlier}). A caller that is short of CPU for longer (every answer waits behind the
 * caller's own queue) adds the same delay to every instance's mean, and a constant gap then shrinks to a ratio near
 * one; it also keeps a floor ({@link #floorNanos(long)}), which follows the fastest answers: the caller's
 * queueing only ever adds to a round trip, so the fastest answers hold the least of it, as TCP Vegas's base RTT
 * and BBR's minimum RTT filter read a path's own delay apart from the queue in front of it. Thread-safe.
 */
public final class PeakEwma {

	private final double decayNanos;

	private double averageNanos;

	private double meanNanos;

	private double floorNanos;

	private long samples;

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
		this.meanNanos = this.averageNanos;
		this.floorNanos = this.averageNanos;
		this.lastUpdateNanos = nowNanos;
	}

	/**
	 * Add a round-trip time.
	 * @param rttNanos the sample, in nanoseconds
	 * @param nowNanos when it completed
	 */
	public synchronized void observe(long rttNanos, long nowNanos) {
		double sample = Math.max(0, rttNanos);
		double weight = weight(nowNanos);
		double decayed = this.averageNanos * weight;
		this.averageNanos = (sample > decayed) ? sample : decayed + sample * (1 - weight);
		this.meanNanos = this.meanNanos * weight + sample * (1 - weight);
		double decayedFloor = this.floorNanos * weight;
		this.floorNanos = (sample < decayedFloor) ? sample : decayedFloor + sample * (1 - weight);
		this.samples++;
		this.lastUpdateNanos = Math.max(this.lastUpdateNanos, nowNanos);
	}

	private double weight(long nowNanos) {
		double elapsed = Math.max(0, nowNanos - this.lastUpdateNanos);
		return Math.exp(-elapsed / this.decayNanos);
	}

	/**
	 * Return the average as of the last sample.
	 * @return the average round-trip time in nanoseconds
	 */
	public synchronized double averageNanos() {
		return this.averageNanos;
	}

	/**
	 * Return the average now: the last one, decayed towards zero for the time since.
	 * @param nowNanos the current time
	 * @return the average round-trip time in nanoseconds
	 */
	public synchronized double averageNanos(long nowNanos) {
		return this.averageNanos * weight(nowNanos);
	}

	/**
	 * Return the plain moving average now (no jump to peaks), decayed towards zero for the time since the last
	 * sample as the peak average is.
	 * @param nowNanos the current time
	 * @return the average round-trip time in nanoseconds
	 */
	public synchronized double meanNanos(long nowNanos) {
		return this.meanNanos * weight(nowNanos);
	}

	/**
	 * Return the floor now: the mirror of the peak average, which drops straight to any sample below it and rises
	 * towards slower ones with the same time constant, so it follows the fastest answers of the last seconds
	 * (decayed towards zero for the time since the last sample, as the other averages are).
	 * @param nowNanos the current time
	 * @return the floor round-trip time in nanoseconds
	 */
	public synchronized double floorNanos(long nowNanos) {
		return this.floorNanos * weight(nowNanos);
	}

	/**
	 * Return how many samples the estimator has seen.
	 * @return the count
	 */
	public synchronized long samples() {
		return this.samples;
	}

	/**
	 * Return the balancing cost now: the average times the requests in flight plus one.
	 * @param inFlight requests in flight to the instance
	 * @param nowNanos the current time
	 * @return the cost; lower is better
	 */
	public double cost(int inFlight, long nowNanos) {
		return averageNanos(nowNanos) * (inFlight + 1);
	}

}
