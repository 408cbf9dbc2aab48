package dev.hyperlane.boot.loadbalancer;

import java.util.Arrays;

/**
 * The latencies of a service's most recent calls (the last {@value #SIZE}), from which the hedging delay is read as
 * their 95th percentile. Empty of an answer until {@value #MIN_SAMPLES} calls were seen: before that no hedge is
 * sent on a percentile. Thread-safe; the percentile is computed at most once per {@value #REFRESH} recorded calls.
 */
final class LatencyWindow {

	static final int SIZE = 512;

	static final int MIN_SAMPLES = 20;

	static final int REFRESH = 32;

	private final long[] samples = new long[SIZE];

	private long count;

	private long p95Nanos = -1;

	synchronized void record(long nanos) {
		this.samples[(int) (this.count % SIZE)] = nanos;
		this.count++;
		if (this.count >= MIN_SAMPLES && (this.p95Nanos < 0 || this.count % REFRESH == 0)) {
			int size = (int) Math.min(this.count, SIZE);
			long[] sorted = Arrays.copyOf(this.samples, size);
			Arrays.sort(sorted);
			this.p95Nanos = sorted[Math.min(size - 1, (int) Math.ceil(size * 0.95) - 1)];
		}
	}

	/**
	 * Return the 95th percentile of the recent latencies.
	 * @return nanoseconds, or -1 before {@value #MIN_SAMPLES} calls
	 */
	synchronized long p95Nanos() {
		return this.p95Nanos;
	}

}
