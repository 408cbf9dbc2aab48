package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What the balancer knows of one instance: requests in flight, peak-EWMA latency, successes and failures,
 * consecutive failures, ejection, a back-off asked for with {@code Retry-After}, a drain set by hand, and when its
 * slow start began. An instance whose ejection ends, or that is restored by hand, starts again from the initial
 * latency, as a new instance does, and ramps up through slow start. Thread-safe. Times come from the caller's
 * clock in nanoseconds.
 */
public final class InstanceState {

	/** Samples both instances need before one can be a latency outlier next to the other. */
	static final int OUTLIER_MIN_SAMPLES = 10;

	/** How many times slower than the other an instance's average latency makes it a latency outlier. */
	static final double OUTLIER_RATIO = 2.0;

	/** The smallest gap between two average latencies that makes the slower one an outlier, in milliseconds. */
	static final int OUTLIER_MIN_GAP_MILLIS = 5;

	private final String id;

	private final double weight;

	private final Duration initialLatency;

	private final Duration decay;

	private volatile PeakEwma latency;

	private volatile long freshLatencyFromNanos = Long.MAX_VALUE;

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong successes = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private int consecutiveFailures;

	private int ejections;

	private long ejectedUntilNanos;

	private long slowStartFromNanos;

	private long backOffUntilNanos;

	private boolean drained;

	private volatile @Nullable ServiceInstance discovered;

	private volatile @Nullable ServiceInstance requested;

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
		this.initialLatency = initialLatency;
		this.decay = decay;
		this.latency = new PeakEwma(initialLatency, decay, nowNanos);
		this.slowStartFromNanos = nowNanos;
		this.ejectedUntilNanos = Long.MIN_VALUE;
		this.backOffUntilNanos = Long.MIN_VALUE;
	}

	/**
	 * Return the instance's weight before slow start.
	 * @return the weight, above 0 (1 unless its {@code weight} metadata says otherwise)
	 */
	public double weight() {
		return this.weight;
	}

	/**
	 * Keep the instance as the discovery client listed it last, and as it is returned to callers: named by the
	 * service id it was requested under.
	 * @param discovered the listed instance
	 * @param requested the same instance under the requested service id ({@code discovered} itself when the ids
	 * match)
	 */
	void listed(ServiceInstance discovered, ServiceInstance requested) {
		this.requested = requested;
		this.discovered = discovered;
	}

	/**
	 * Return the instance as the discovery client listed it last.
	 * @return the instance, or {@code null} for a state not made from a listing
	 */
	@Nullable ServiceInstance discovered() {
		return this.discovered;
	}

	/**
	 * Return the instance named by the service id it was requested under.
	 * @return the instance, or {@code null} for a state not made from a listing
	 */
	@Nullable ServiceInstance requested() {
		return this.requested;
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
			latency(nowNanos).observe(Math.max(rttNanos, penaltyNanos), nowNanos);
			this.consecutiveFailures++;
			if (this.consecutiveFailures >= ejection.consecutiveFailures() && !isEjected(nowNanos) && mayEject) {
				this.ejections++;
				this.ejectedUntilNanos = nowNanos + ejection.ejectionTime(this.ejections).toNanos();
				this.slowStartFromNanos = this.ejectedUntilNanos;
				// it comes back as a new instance would: initial latency, then slow start (else the failure
				// penalty would keep it out for several decay times after its ejection ended)
				this.freshLatencyFromNanos = this.ejectedUntilNanos;
				this.consecutiveFailures = 0;
			}
		}
		else {
			this.successes.incrementAndGet();
			latency(nowNanos).observe(rttNanos, nowNanos);
			this.consecutiveFailures = 0;
		}
	}

	/**
	 * Count down a request that was cancelled before it finished.
	 */
	public void cancel() {
		this.inFlight.updateAndGet((current) -> Math.max(0, current - 1));
	}

	/**
	 * Keep the instance out of the choice until a time it asked for with {@code Retry-After} on a 503 or 429.
	 * @param untilNanos the end of the back-off
	 */
	public synchronized void backOff(long untilNanos) {
		this.backOffUntilNanos = Math.max(this.backOffUntilNanos, untilNanos);
	}

	/**
	 * Take the instance out of the choice by hand (for a deployment) until {@link #restore(long)}.
	 */
	public synchronized void drain() {
		this.drained = true;
	}

	/**
	 * Put a drained or ejected instance back: its ejection and back-off end now and its slow start begins.
	 * @param nowNanos the current time
	 */
	public synchronized void restore(long nowNanos) {
		this.drained = false;
		this.consecutiveFailures = 0;
		this.ejectedUntilNanos = Long.MIN_VALUE;
		this.backOffUntilNanos = Long.MIN_VALUE;
		this.slowStartFromNanos = nowNanos;
		this.freshLatencyFromNanos = nowNanos;
	}

	private PeakEwma latency(long nowNanos) {
		if (nowNanos < this.freshLatencyFromNanos) {
			// the common case, on every choice: no reset due, no lock
			return this.latency;
		}
		synchronized (this) {
			if (nowNanos >= this.freshLatencyFromNanos) {
				this.latency = new PeakEwma(this.initialLatency, this.decay, nowNanos);
				this.freshLatencyFromNanos = Long.MAX_VALUE;
			}
			return this.latency;
		}
	}

	/**
	 * Return whether the instance may be chosen outside panic mode: not drained, ejected or backing off.
	 * @param nowNanos the current time
	 * @return {@code true} when the instance is available
	 */
	public synchronized boolean isAvailable(long nowNanos) {
		return !this.drained && nowNanos >= this.ejectedUntilNanos && nowNanos >= this.backOffUntilNanos;
	}

	/**
	 * Return the instance's state for people: {@code drained}, {@code ejected}, {@code backing-off},
	 * {@code ramping} (in slow start) or {@code active}.
	 * @param slowStart the slow-start rule
	 * @param nowNanos the current time
	 * @return the state
	 */
	public synchronized String describeState(SlowStart slowStart, long nowNanos) {
		if (this.drained) {
			return "drained";
		}
		if (isEjected(nowNanos)) {
			return "ejected";
		}
		if (nowNanos < this.backOffUntilNanos) {
			return "backing-off";
		}
		return (effectiveWeight(slowStart, nowNanos) < this.weight) ? "ramping" : "active";
	}

	/**
	 * Return how long the instance stays ejected or backing off.
	 * @param nowNanos the current time
	 * @return the remaining time, zero when none
	 */
	public synchronized Duration unavailableFor(long nowNanos) {
		long until = Math.max(this.ejectedUntilNanos, this.backOffUntilNanos);
		return (until > nowNanos) ? Duration.ofNanos(until - nowNanos) : Duration.ZERO;
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
	 * Return the peak-EWMA cost: latency times requests in flight plus one. The weight is not in the cost: power
	 * of two choices already draws instances in proportion to their effective weight, so among equally fast
	 * instances each gets its weight's share (a weight in both places would square it).
	 * @param nowNanos the current time
	 * @return the cost; lower is better
	 */
	public double cost(long nowNanos) {
		return latency(nowNanos).cost(this.inFlight.get(), nowNanos);
	}

	/**
	 * Return whether this instance is a latency outlier next to another one, so that power of two choices takes
	 * the other whatever their costs: both have answered at least {@value #OUTLIER_MIN_SAMPLES} requests since their
	 * latency was last reset (a new or returning instance is left to slow start), and this one's plain average
	 * latency ({@link PeakEwma#meanNanos(long)}) is more than {@value #OUTLIER_RATIO} times the other's and at least
	 * {@value #OUTLIER_MIN_GAP_MILLIS} ms above it; or, unless the other one is such an outlier next to it, its
	 * floor latency (its fastest answers of the last seconds, {@link PeakEwma#floorNanos(long)}) is, by the same
	 * measure, slower than the other's floor. The floor is the caller's own queueing taken out: a caller short of CPU
	 * delays every answer alike, by tens of milliseconds on average (benchmark S4 at 256 connections: mean latencies
	 * of 77 ms for the fast instances against 110 ms for the 50 ms slower one, a ratio of 1.4, while the slow one's
	 * fastest answers stay above 50 ms and the others' below a few). The average and the floor decay towards zero
	 * while the outlier gets no requests, so it is tried again after a few decay times and keeps its place if it has
	 * become fast; and an instance that slows down under load stops being the faster one. Passive outlier detection
	 * as Envoy does it on success rates (an instance far from the others), here on latency and between the two
	 * instances drawn; peak EWMA alone cannot tell a 50 ms slower instance apart in a saturated caller, whose own
	 * stalls, the same for every instance, set every peak average (benchmark S4 at 256 connections: 100 ms for the
	 * fast instances, 160 ms for the slow one, 7 % of calls to it).
	 * @param other the instance drawn with it
	 * @param nowNanos the current time
	 * @return {@code true} when this instance should not be chosen over the other
	 */
	public boolean isLatencyOutlier(InstanceState other, long nowNanos) {
		PeakEwma mine = latency(nowNanos);
		PeakEwma theirs = other.latency(nowNanos);
		if (mine.samples() < OUTLIER_MIN_SAMPLES || theirs.samples() < OUTLIER_MIN_SAMPLES) {
			return false;
		}
		double mean = mine.meanNanos(nowNanos);
		double otherMean = theirs.meanNanos(nowNanos);
		if (slower(mean, otherMean)) {
			return true;
		}
		if (slower(otherMean, mean)) {
			// the other one is the outlier on average, whatever the floors
			return false;
		}
		double floor = mine.floorNanos(nowNanos);
		double otherFloor = theirs.floorNanos(nowNanos);
		return slower(floor, otherFloor);
	}

	private static boolean slower(double nanos, double otherNanos) {
		return nanos > OUTLIER_RATIO * otherNanos && nanos - otherNanos >= OUTLIER_MIN_GAP_MILLIS * 1_000_000.0;
	}

	/**
	 * Return the instance's identity.
	 * @return the id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return the requests in flight.
	 * @return the count
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/**
	 * Return the peak-EWMA latency now.
	 * @param nowNanos the current time
	 * @return the average in nanoseconds
	 */
	public double latencyNanos(long nowNanos) {
		return latency(nowNanos).averageNanos(nowNanos);
	}

	/**
	 * Return the plain moving average of the latency now (no jump to peaks), which the latency-outlier rule reads.
	 * @param nowNanos the current time
	 * @return the average in nanoseconds
	 */
	public double meanLatencyNanos(long nowNanos) {
		return latency(nowNanos).meanNanos(nowNanos);
	}

	/**
	 * Return the floor latency now: the fastest answers of the last seconds, which the latency-outlier rule reads.
	 * @param nowNanos the current time
	 * @return the floor in nanoseconds
	 */
	public double floorLatencyNanos(long nowNanos) {
		return latency(nowNanos).floorNanos(nowNanos);
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
