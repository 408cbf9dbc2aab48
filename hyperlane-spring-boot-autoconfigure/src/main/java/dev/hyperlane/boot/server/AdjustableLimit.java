package dev.hyperlane.boot.server;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.netflix.concurrency.limits.Limit;

/**
 * A {@link Limit} that follows an adaptive algorithm, kept between a lowest and a highest value, until an operator
 * pins it to a value of their own; the algorithm keeps learning while pinned, and its limit applies again once the
 * pin is released. Thread-safe.
 */
final class AdjustableLimit implements Limit {

	private final Limit algorithm;

	private final int min;

	private final int max;

	private final List<Consumer<Integer>> listeners = new CopyOnWriteArrayList<>();

	private volatile int pinned;

	AdjustableLimit(Limit algorithm, int min, int max) {
		this.algorithm = algorithm;
		this.min = min;
		this.max = max;
		algorithm.notifyOnChange((limit) -> {
			if (this.pinned == 0) {
				publish(bounded(limit));
			}
		});
	}

	@Override
	public int getLimit() {
		int pin = this.pinned;
		return (pin > 0) ? pin : bounded(this.algorithm.getLimit());
	}

	@Override
	public void notifyOnChange(Consumer<Integer> consumer) {
		this.listeners.add(consumer);
	}

	@Override
	public void onSample(long startTime, long rtt, int inflight, boolean didDrop) {
		this.algorithm.onSample(startTime, rtt, inflight, didDrop);
	}

	/**
	 * Pin the limit to a value until {@link #release()}.
	 * @param limit the limit, 1 or more
	 */
	void pin(int limit) {
		this.pinned = limit;
		publish(limit);
	}

	/**
	 * Let the algorithm set the limit again.
	 */
	void release() {
		this.pinned = 0;
		publish(getLimit());
	}

	int pinned() {
		return this.pinned;
	}

	private int bounded(int limit) {
		return Math.max(this.min, Math.min(this.max, limit));
	}

	private void publish(int limit) {
		for (Consumer<Integer> listener : this.listeners) {
			listener.accept(limit);
		}
	}

}
