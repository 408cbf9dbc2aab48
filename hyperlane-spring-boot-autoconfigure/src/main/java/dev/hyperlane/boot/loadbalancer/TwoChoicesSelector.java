package dev.hyperlane.boot.loadbalancer;

import java.util.List;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Power of two choices over a cost: two instances drawn in proportion to their effective weight, the cheaper one
 * wins. With requests in flight as the cost it is least request (Envoy's {@code LEAST_REQUEST}); with peak-EWMA
 * latency times requests in flight plus one it is Finagle's and Linkerd's balancer.
 */
final class TwoChoicesSelector implements InstanceSelector {

	private final PowerOfTwoChoices chooser;

	private final Cost cost;

	TwoChoicesSelector(PowerOfTwoChoices chooser, Cost cost) {
		this.chooser = chooser;
		this.cost = cost;
	}

	@Override
	public @Nullable InstanceState select(List<InstanceState> candidates, ToDoubleFunction<InstanceState> weight,
			long nowNanos) {
		return this.chooser.choose(candidates, (state) -> this.cost.of(state, nowNanos), weight, (state) -> true);
	}

	/**
	 * The cost of an instance now; lower is better.
	 */
	@FunctionalInterface
	interface Cost {

		double of(InstanceState state, long nowNanos);

	}

}
