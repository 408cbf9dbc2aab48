package dev.hyperlane.boot.loadbalancer;

import java.util.Locale;
import java.util.function.Function;

/**
 * How a service's instance is chosen for each request: each strategy makes the {@link InstanceSelector} of a
 * service.
 */
public enum LoadBalancingStrategy {

	/** Each instance in turn (Spring Cloud LoadBalancer's default), whatever its latency. */
	ROUND_ROBIN((chooser) -> new RoundRobinSelector()),

	/** Power of two choices over requests in flight. */
	LEAST_REQUEST((chooser) -> new TwoChoicesSelector(chooser, (state, now) -> state.inFlight(), false)),

	/**
	 * Power of two choices over peak-EWMA latency times requests in flight plus one (Finagle, Linkerd); a latency
	 * outlier next to the other instance drawn loses whatever the costs.
	 */
	PEAK_EWMA((chooser) -> new TwoChoicesSelector(chooser, InstanceState::cost, true));

	private final Function<PowerOfTwoChoices, InstanceSelector> selectors;

	LoadBalancingStrategy(Function<PowerOfTwoChoices, InstanceSelector> selectors) {
		this.selectors = selectors;
	}

	/**
	 * Make the selector of one service.
	 * @param chooser the power-of-two-choices draw the latency-aware strategies use
	 * @return a new selector
	 */
	public InstanceSelector newSelector(PowerOfTwoChoices chooser) {
		return this.selectors.apply(chooser);
	}

	/**
	 * Return the name as it is written in properties and shown in the endpoint, such as {@code peak-ewma}.
	 * @return the name
	 */
	public String displayName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
