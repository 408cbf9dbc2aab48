package dev.hyperlane.boot.loadbalancer;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Power of two choices over a cost: two instances drawn in proportion to their effective weight, the cheaper one
 * wins. With requests in flight as the cost it is least request (Envoy's {@code LEAST_REQUEST}); with peak-EWMA
 * latency times requests in flight plus one it is Finagle's and Linkerd's balancer, where an instance whose average
 * latency makes it an outlier next to the other one drawn loses whatever the costs
 * ({@link InstanceState#isLatencyOutlier}).
 * <p>
 * On a long list it draws without reading the whole list ({@link #sample}): an index at random, kept when the
 * instance is available and with a probability of its effective weight over the largest weight (rejection
 * sampling, which draws in proportion to the weights exactly), until two distinct instances are kept; then the
 * cheaper one wins, as on a short list. A choice reads about two entries whatever the list's length: two divided by
 * the share of instances available times their mean weight over the largest (about 20 while every instance is at
 * slow start's minimum of 10 %); after {@value #ATTEMPTS} draws without two kept (most instances unavailable, panic
 * mode) it declines and the balancer reads the whole list.
 */
final class TwoChoicesSelector implements InstanceSelector {

	private final PowerOfTwoChoices chooser;

	/** Draws per sampled choice before the balancer reads the whole list instead. */
	static final int ATTEMPTS = 32;

	private final Cost cost;

	/** The largest weight (before slow start) of the instances seen: the bound of the rejection sampling. */
	private volatile double weightBound;

	/** Whether a latency outlier loses to the other instance drawn whatever the costs. */
	private final boolean latencyOutliers;

	TwoChoicesSelector(PowerOfTwoChoices chooser, Cost cost, boolean latencyOutliers) {
		this.chooser = chooser;
		this.cost = cost;
		this.latencyOutliers = latencyOutliers;
	}

	@Override
	public @Nullable InstanceState select(List<InstanceState> candidates, ToDoubleFunction<InstanceState> weight,
			long nowNanos) {
		// a whole list read: the bound follows the instances listed now (it only grows while sampling)
		double bound = 0;
		for (InstanceState candidate : candidates) {
			bound = Math.max(bound, candidate.weight());
		}
		this.weightBound = bound;
		return this.chooser.choose(candidates, (candidate, incumbent) -> prefers(candidate, incumbent, nowNanos), weight,
				(state) -> true);
	}

	@Override
	public @Nullable InstanceState sample(int size, IntFunction<@Nullable InstanceState> available, ToDoubleFunction<InstanceState> weight,
			long nowNanos) {
		InstanceState firstState = null;
		for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
			int index = this.chooser.index(size);
			InstanceState state = available.apply(index);
			if (state == null || state == firstState) {
				continue;
			}
			double bound = this.weightBound;
			if (state.weight() > bound) {
				bound = state.weight();
				this.weightBound = bound;
			}
			if (!this.chooser.keep(weight.applyAsDouble(state) / bound)) {
				continue;
			}
			if (firstState == null) {
				firstState = state;
				continue;
			}
			return prefers(state, firstState, nowNanos) ? state : firstState;
		}
		return null;
	}

	private boolean prefers(InstanceState candidate, InstanceState incumbent, long nowNanos) {
		if (this.latencyOutliers) {
			if (candidate.isLatencyOutlier(incumbent, nowNanos)) {
				return false;
			}
			if (incumbent.isLatencyOutlier(candidate, nowNanos)) {
				return true;
			}
		}
		return this.cost.of(candidate, nowNanos) < this.cost.of(incumbent, nowNanos);
	}

	/**
	 * The cost of an instance now; lower is better.
	 */
	@FunctionalInterface
	interface Cost {

		double of(InstanceState state, long nowNanos);

	}

}
