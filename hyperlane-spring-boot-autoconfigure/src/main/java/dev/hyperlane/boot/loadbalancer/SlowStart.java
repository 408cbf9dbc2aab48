package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;

/**
 * Slow start, with Envoy's formula: during the window after an instance is first seen (or returns from
 * ejection) its weight is scaled by {@code max(minWeight, timeFactor ^ (1 / aggression))}, where
 * {@code timeFactor = max(elapsed, 1 s) / window}; afterwards by 1. Envoy's defaults: aggression 1.0 (linear),
 * minimum weight 10 %.
 *
 * @param window how long the ramp lasts; zero turns slow start off
 * @param aggression how fast the weight rises, above 0 (1 is linear, larger rises sooner)
 * @param minWeight the share of its weight an instance gets at the start, 0 to 1
 */
public record SlowStart(Duration window, double aggression, double minWeight) {

	/**
	 * Validate the parameters.
	 * @param window the window
	 * @param aggression the aggression
	 * @param minWeight the minimum weight
	 */
	public SlowStart {
		if (window.isNegative() || aggression <= 0 || minWeight < 0 || minWeight > 1) {
			throw new IllegalArgumentException("slow start needs a window >= 0, aggression > 0 and 0 <= minWeight <= 1");
		}
	}

	/**
	 * Return the weight factor of an instance.
	 * @param sinceStart time since the instance was first seen or returned from ejection
	 * @return a factor from {@code minWeight} to 1
	 */
	public double factor(Duration sinceStart) {
		if (this.window.isZero() || sinceStart.compareTo(this.window) >= 0) {
			return 1.0;
		}
		double elapsed = Math.max(sinceStart.toMillis(), 1000);
		double timeFactor = elapsed / this.window.toMillis();
		return Math.min(1.0, Math.max(this.minWeight, Math.pow(timeFactor, 1.0 / this.aggression)));
	}

}
