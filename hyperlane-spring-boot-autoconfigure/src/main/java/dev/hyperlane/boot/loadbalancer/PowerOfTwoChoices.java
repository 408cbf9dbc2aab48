package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiPredicate;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.random.RandomGenerator;

import org.jspecify.annotations.Nullable;

/**
 * Power of two choices (Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing", 2001): draw two
 * distinct instances at random, in proportion to their effective weight, and take the one with the lower cost.
 * With the peak-EWMA cost this is Finagle's and Linkerd's balancer; with in-flight requests as the cost it is
 * least-request. Ejected instances are skipped unless too many are unhealthy to balance over the rest (panic
 * mode: every instance is a candidate, as Envoy does below its healthy-panic threshold).
 */
public final class PowerOfTwoChoices {

	private final RandomGenerator random;

	/**
	 * Create a chooser.
	 * @param random the source of randomness
	 */
	public PowerOfTwoChoices(RandomGenerator random) {
		this.random = random;
	}

	/**
	 * Choose an instance.
	 * @param instances the service's instances
	 * @param cost the cost of each instance; lower is better
	 * @param weight the effective weight of each instance, above 0
	 * @param healthy whether an instance may be chosen outside panic mode
	 * @return the chosen instance, or {@code null} when there is none
	 */
	public @Nullable InstanceState choose(List<InstanceState> instances, ToDoubleFunction<InstanceState> cost,
			ToDoubleFunction<InstanceState> weight, Predicate<InstanceState> healthy) {
		return choose(instances, (candidate, incumbent) -> cost.applyAsDouble(candidate) < cost.applyAsDouble(incumbent),
				weight, healthy);
	}

	/**
	 * Choose an instance, the second one drawn replacing the first when preferred.
	 * @param instances the service's instances
	 * @param prefers whether the second instance drawn (first argument) is preferred to the first (second argument)
	 * @param weight the effective weight of each instance, above 0
	 * @param healthy whether an instance may be chosen outside panic mode
	 * @return the chosen instance, or {@code null} when there is none
	 */
	public @Nullable InstanceState choose(List<InstanceState> instances,
			BiPredicate<InstanceState, InstanceState> prefers, ToDoubleFunction<InstanceState> weight,
			Predicate<InstanceState> healthy) {
		List<InstanceState> candidates = new ArrayList<>(instances.size());
		for (InstanceState instance : instances) {
			if (healthy.test(instance)) {
				candidates.add(instance);
			}
		}
		if (candidates.isEmpty()) {
			candidates = new ArrayList<>(instances);
		}
		if (candidates.isEmpty()) {
			return null;
		}
		if (candidates.size() == 1) {
			return candidates.get(0);
		}
		InstanceState first = draw(candidates, weight, null);
		InstanceState second = draw(candidates, weight, first);
		return prefers.test(second, first) ? second : first;
	}

	/**
	 * Return a random index.
	 * @param size the size of the list, 1 or more
	 * @return an index from 0 to {@code size - 1}
	 */
	int index(int size) {
		return this.random.nextInt(size);
	}

	/**
	 * Return {@code true} with a probability.
	 * @param probability from 0 to 1 (1 or more: always)
	 * @return whether the draw is kept
	 */
	boolean keep(double probability) {
		return probability >= 1 || this.random.nextDouble() < probability;
	}

	private InstanceState draw(List<InstanceState> candidates, ToDoubleFunction<InstanceState> weight,
			@Nullable InstanceState excluded) {
		double total = 0;
		for (InstanceState candidate : candidates) {
			if (candidate != excluded) {
				total += Math.max(weight.applyAsDouble(candidate), 1e-9);
			}
		}
		double point = this.random.nextDouble() * total;
		@Nullable InstanceState last = null;
		for (InstanceState candidate : candidates) {
			if (candidate == excluded) {
				continue;
			}
			last = candidate;
			point -= Math.max(weight.applyAsDouble(candidate), 1e-9);
			if (point < 0) {
				return candidate;
			}
		}
		return Objects.requireNonNull(last, "no candidate left to draw");
	}

}
