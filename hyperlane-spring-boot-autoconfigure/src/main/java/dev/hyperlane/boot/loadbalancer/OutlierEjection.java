package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;

/**
 * Passive outlier ejection, as Envoy does it: after {@code consecutiveFailures} failures in a row (5xx, connect
 * errors, timeouts) an instance is ejected for {@code baseEjectionTime} times the number of times it has been
 * ejected, at most {@code maxEjectionTime}; at most {@code maxEjectionPercent} of a service's instances are
 * ejected at once. Envoy's defaults: 5 failures, 30 s, 300 s, and (here) 50 %.
 *
 * @param consecutiveFailures failures in a row that eject an instance, at least 1
 * @param baseEjectionTime the first ejection's length
 * @param maxEjectionTime the longest ejection
 * @param maxEjectionPercent most instances ejected at once, in percent
 */
public record OutlierEjection(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
		double maxEjectionPercent) {

	/**
	 * Validate the parameters.
	 * @param consecutiveFailures the failure threshold
	 * @param baseEjectionTime the base ejection time
	 * @param maxEjectionTime the maximum ejection time
	 * @param maxEjectionPercent the maximum share ejected
	 */
	public OutlierEjection {
		if (consecutiveFailures < 1 || baseEjectionTime.isNegative() || maxEjectionTime.compareTo(baseEjectionTime) < 0
				|| maxEjectionPercent < 0 || maxEjectionPercent > 100) {
			throw new IllegalArgumentException("outlier ejection needs consecutiveFailures >= 1, "
					+ "0 <= baseEjectionTime <= maxEjectionTime and 0 <= maxEjectionPercent <= 100");
		}
	}

	/**
	 * Return how long the n-th ejection of an instance lasts.
	 * @param ejections how many times the instance has been ejected, this time included
	 * @return the ejection time
	 */
	public Duration ejectionTime(int ejections) {
		Duration time = this.baseEjectionTime.multipliedBy(Math.max(1, ejections));
		return (time.compareTo(this.maxEjectionTime) > 0) ? this.maxEjectionTime : time;
	}

	/**
	 * Return whether one more instance may be ejected.
	 * @param ejected instances ejected now
	 * @param total instances of the service
	 * @return {@code true} while the share stays within {@code maxEjectionPercent}
	 */
	public boolean mayEject(int ejected, int total) {
		return total > 0 && (ejected + 1) * 100.0 <= this.maxEjectionPercent * total;
	}

}
