package dev.hyperlane.boot.loadbalancer;

import java.util.Arrays;

/**
 * The latencies of a service's most recent successful attempts (the last {@value #SIZE}, every instance), from which
 * the hedging delay is read as their 95th percentile. Empty of an answer until {@value #MIN_SAMPLES} attempts were
 * seen: before that no hedge is sent on a percentile. Thread-safe; the percentile is computed at most once per
 * {@value #REFRESH} recorded attempts.
 * <p>
 * It is the balancer's latency data, not a second measurement: {@link ServiceBalancer#finished} feeds it the same
 * sample (the time from the choice of an instance to the response headers, recorded by
 * {@link HyperlaneLoadBalancerLifecycle}) that feeds each instance's {@link PeakEwma}. The two estimators are kept
 * apart because neither can answer the other's question: peak EWMA is one decaying number per instance that jumps
 * to any slow sample, which ranks instances within seconds but holds no distribution (a single late answer makes
 * it the maximum, so a delay read from it would be the tail itself, not its 95th percentile); the hedging delay is
 * a percentile of the whole service, across instances, over its last few hundred calls. Only hedged services keep
 * a window ({@link ServiceBalancer#recentLatencies()}), so the balancer's common path pays nothing for it.
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
