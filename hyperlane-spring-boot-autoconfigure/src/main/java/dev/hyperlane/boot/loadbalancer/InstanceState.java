package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the balancer knows of one instance: requests in flight, peak-EWMA latency, successes and failures,
 * consecutive failures, ejection, and when its slow start began. Thread-safe. Times come from the caller's clock
 * in nanoseconds.
 */
public final class InstanceState {

	private final String id;

	private final double weight;

	private final PeakEwma latency;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong successes = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private int consecutiveFailures;

	private int ejections;

	private long ejectedUntilNanos;

	private long slowStartFromNanos;

	/**
	 * Create the state of a newly seen instance.
	 * @param id the instance's identity, such as host:port
	 * @param weight its weight (Spring Cloud's {@code weight} metadata), above 0
	 * @param initialLatency the latency assumed before the first sample
	 * @param decay the peak-EWMA time constant
	 * @param nowNanos the current time
	 */
	public InstanceState(String id, double weight, Duration initialLatency, Duration decay, long nowNanos) {
		this.id = id;
		this.weight = (weight > 0) ? weight : 1.0;
		this.latency = new PeakEwma(initialLatency, decay, nowNanos);
		this.slowStartFromNanos = nowNanos;
		this.ejectedUntilNanos = Long.MIN_VALUE;
	}

	/**
	 * Count a request that starts now.
	 */
	public void start() {
		this.inFlight.incrementAndGet();
	}

	/**
	 * Record a finished request.
	 * @param rttNanos its round-trip time
	 * @param failed whether it failed (a connect error, a timeout, a 5xx, a 429 or 503)
	 * @param penaltyNanos the latency a failure counts as (at least the observed time)
	 * @param ejection the ejection rule
	 * @param mayEject whether the service may eject one more instance now
	 * @param nowNanos when it finished
	 */
	public synchronized void finish(long rttNanos, boolean failed, long penaltyNanos, OutlierEjection ejection,
			boolean mayEject, long nowNanos) {
		this.inFlight.decrementAndGet();
		if (failed) {
			this.failures.incrementAndGet();
			this.latency.observe(Math.max(rttNanos, penaltyNanos), nowNanos);
			this.consecutiveFailures++;
			if (this.consecutiveFailures >= ejection.consecutiveFailures() && !isEjected(nowNanos) && mayEject) {
				this.ejections++;
				this.ejectedUntilNanos = nowNanos + ejection.ejectionTime(this.ejections).toNanos();
				this.slowStartFromNanos = this.ejectedUntilNanos;
				this.consecutiveFailures = 0;
			}
		}
		else {
			this.successes.incrementAndGet();
			this.latency.observe(rttNanos, nowNanos);
			this.consecutiveFailures = 0;
		}
	}

	/**
	 * Return whether the instance is ejected.
	 * @param nowNanos the current time
	 * @return {@code true} until its ejection time has passed
	 */
	public synchronized boolean isEjected(long nowNanos) {
		return nowNanos < this.ejectedUntilNanos;
	}

	/**
	 * Return the weight the balancer gives the instance now: its weight scaled by slow start.
	 * @param slowStart the slow-start rule
	 * @param nowNanos the current time
	 * @return the effective weight
	 */
	public synchronized double effectiveWeight(SlowStart slowStart, long nowNanos) {
		return this.weight * slowStart.factor(Duration.ofNanos(Math.max(0, nowNanos - this.slowStartFromNanos)));
	}

	/**
	 * Return the peak-EWMA cost: latency times requests in flight plus one, divided by the effective weight.
	 * @param slowStart the slow-start rule
	 * @param nowNanos the current time
	 * @return the cost; lower is better
	 */
	public double cost(SlowStart slowStart, long nowNanos) {
		return this.latency.cost(this.inFlight.get()) / effectiveWeight(slowStart, nowNanos);
	}

	/**
	 * Return the instance's identity.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the instance's configured weight, before slow start.
	 * @return the weight
	 */
	public double weight() {
		return this.weight;
	}

	/**
	 * Return the requests in flight.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Return the peak-EWMA latency.
	 * @return the average in nanoseconds
	 */
	public double latencyNanos() {
		return this.latency.averageNanos();
	}

	/**
	 * Return the successes so far.
	 * @return the count
	 */
	public long successes() {
		return this.successes.get();
	}

	/**
	 * Return the failures so far.
	 * @return the count
	 */
	public long failures() {
		return this.failures.get();
	}

	/**
	 * Return how many times the instance was ejected.
	 * @return the count
	 */
	public synchronized int ejections() {
		return this.ejections;
	}

}
