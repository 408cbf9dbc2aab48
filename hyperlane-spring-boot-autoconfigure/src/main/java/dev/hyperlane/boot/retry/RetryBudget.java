package dev.hyperlane.boot.retry;

import java.time.Duration;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A retry budget: over a sliding window, retries may not exceed a share of the requests plus a floor per second,
 * so that retries never multiply an outage (a peer that fails every request gets at most 20 % more traffic, not
 * double). The model is Finagle's {@code RetryBudget} (a 10 s window, 20 % of requests, 10 retries per second),
 * which Envoy's retry budgets follow as well. Hedged requests (a second copy of a slow call) are taken from the same
 * account ({@link #tryAcquireHedge(double)}): a hedge counts as a retry against the budget, so retries and hedges
 * together never exceed it, and hedges are also capped at their own smaller share of the requests. Counts are kept
 * in one-second buckets. Thread-safe.
 */
public final class RetryBudget {

	private static final long NONE = Long.MIN_VALUE;

	private final double ratio;

	private final int minPerSecond;

	private final int windowSeconds;

	private final LongSupplier clock;

	private final long[] requests;

	private final long[] retries;

	private final long[] hedges;

	private final long[] bucketSecond;

	/**
	 * Create a budget.
	 * @param percent share of requests that may be retried, 0 to 100
	 * @param minPerSecond retries allowed per second whatever the traffic
	 * @param window the window over which requests and retries are counted, whole seconds, at least 1
	 * @param clockMillis the clock, in milliseconds
	 */
	public RetryBudget(double percent, int minPerSecond, Duration window, LongSupplier clockMillis) {
		this.ratio = percent / 100.0;
		this.minPerSecond = minPerSecond;
		this.windowSeconds = (int) Math.max(1, window.toSeconds());
		this.clock = clockMillis;
		this.requests = new long[this.windowSeconds];
		this.retries = new long[this.windowSeconds];
		this.hedges = new long[this.windowSeconds];
		this.bucketSecond = new long[this.windowSeconds];
		Arrays.fill(this.bucketSecond, NONE);
	}

	/**
	 * Count a request (first attempts only, not retries).
	 */
	public synchronized void record() {
		this.requests[bucket()]++;
	}

	/**
	 * Take one retry from the budget if there is one left.
	 * @return {@code true} when the retry may go ahead
	 */
	public synchronized boolean tryAcquire() {
		int bucket = bucket();
		if (remainingLocked() < 1) {
			return false;
		}
		this.retries[bucket]++;
		return true;
	}

	/**
	 * Take one hedge from the budget if there is one left: the budget must allow one more retry (a hedge is spent
	 * from the same account, and leaves one retry fewer), and the hedges of the window must stay within their own
	 * share of the requests (no floor per second: a service with few calls is not hedged before it has made them).
	 * @param percent share of requests that may be hedged, 0 to 100
	 * @return {@code true} when the hedge may go ahead
	 */
	public synchronized boolean tryAcquireHedge(double percent) {
		int bucket = bucket();
		long requestCount = 0;
		long hedgeCount = 0;
		for (int i = 0; i < this.windowSeconds; i++) {
			requestCount += this.requests[i];
			hedgeCount += this.hedges[i];
		}
		if (remainingLocked() < 1 || hedgeCount + 1 > (long) Math.floor(requestCount * percent / 100.0)) {
			return false;
		}
		this.retries[bucket]++;
		this.hedges[bucket]++;
		return true;
	}

	/**
	 * Return how many retries the budget allows now.
	 * @return the retries left in the current window (hedges taken count as retries)
	 */
	public synchronized long remaining() {
		bucket();
		return remainingLocked();
	}

	private long remainingLocked() {
		long requestCount = 0;
		long retryCount = 0;
		for (int i = 0; i < this.windowSeconds; i++) {
			requestCount += this.requests[i];
			retryCount += this.retries[i];
		}
		long allowed = (long) this.minPerSecond * this.windowSeconds + (long) Math.floor(requestCount * this.ratio);
		return Math.max(0, allowed - retryCount);
	}

	private int bucket() {
		long second = this.clock.getAsLong() / 1000;
		for (int i = 0; i < this.windowSeconds; i++) {
			if (this.bucketSecond[i] != NONE && second - this.bucketSecond[i] >= this.windowSeconds) {
				clear(i, NONE);
			}
		}
		int index = (int) (second % this.windowSeconds);
		if (this.bucketSecond[index] != second) {
			clear(index, second);
		}
		return index;
	}

	private void clear(int index, long second) {
		this.requests[index] = 0;
		this.retries[index] = 0;
		this.hedges[index] = 0;
		this.bucketSecond[index] = second;
	}

}
