package dev.hyperlane.boot.loadbalancer;

import java.util.List;
import java.util.function.IntFunction;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * Picks one instance of a service for a request, among the instances that may take it now (the balancer has already
 * left out drained, ejected and backing-off instances, or let them all back in panic mode). Each service has its
 * own selector, made by its {@link LoadBalancingStrategy}, so a selector may keep state of its own (a rotation).
 * The model is Armeria's {@code EndpointSelectionStrategy} and {@code EndpointSelector}. Implementations are
 * thread-safe.
 */
@FunctionalInterface
public interface InstanceSelector {

	/**
	 * Choose an instance.
	 * @param candidates the instances that may be chosen, never empty
	 * @param weight each instance's effective weight now (its weight scaled by slow start), above 0
	 * @param nowNanos the current time of the balancer's clock
	 * @return the chosen instance, or {@code null} when there is none
	 */
	@Nullable InstanceState select(List<InstanceState> candidates, ToDoubleFunction<InstanceState> weight,
			long nowNanos);

	/**
	 * Choose an instance of a long list by reading a few of its entries rather than all of them, so that the time
	 * per choice does not grow with the number of instances; or decline, and the balancer reads every instance and
	 * calls {@link #select}. Declines by default; the power-of-two-choices strategies draw.
	 * @param size the number of listed instances
	 * @param available the state of the instance at an index of the list when it may be chosen now, else
	 * {@code null} (drained, ejected, backing off, or already tried by this call)
	 * @param weight each instance's effective weight now, above 0
	 * @param nowNanos the current time of the balancer's clock
	 * @return the state of the chosen instance, or {@code null} to decline
	 */
	default @Nullable InstanceState sample(int size, IntFunction<@Nullable InstanceState> available, ToDoubleFunction<InstanceState> weight,
			long nowNanos) {
		return null;
	}

}
