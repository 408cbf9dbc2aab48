package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import dev.hyperlane.boot.Counts;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The choice of one service's instance for a request: instances a retry already tried are left out (unless no other
 * is listed), drained, ejected and backing-off instances are left out unless every instance is (panic mode: all of
 * them are candidates again, as Envoy balances over all hosts below its healthy-panic threshold, rather than failing
 * every call), and the service's {@link InstanceSelector} picks among the rest with their slow-start weights.
 * From {@value #SAMPLED_FROM} instances on, the selector may first draw from the list without reading all of it
 * ({@link InstanceSelector#sample}; the power-of-two-choices strategies do), so the time per choice stays flat up
 * to thousands of instances (benchmarks/README.md, "Registry scale"); round robin and short lists read every
 * instance. Thread-safe.
 */
final class InstanceChoice {

	/** Lists of at least this many instances are drawn from first ({@link InstanceSelector#sample}). */
	static final int SAMPLED_FROM = 16;

	private final ServiceInstances instances;

	private volatile InstanceSelector selector;

	private final Counts<ServiceBalancer.Count> counts;

	private volatile long lastPanicNanos = Long.MIN_VALUE;

	InstanceChoice(ServiceInstances instances, InstanceSelector selector, Counts<ServiceBalancer.Count> counts) {
		this.instances = instances;
		this.selector = selector;
		this.counts = counts;
	}

	void selector(InstanceSelector selector) {
		this.selector = selector;
	}

	@Nullable InstanceState choose(List<ServiceInstance> candidates, Set<String> excluded, long nowNanos) {
		if (candidates.size() >= SAMPLED_FROM) {
			List<ServiceInstance> listed = candidates;
			InstanceState sampled = this.selector.sample(listed.size(),
					(i) -> available(listed.get(i), excluded, nowNanos),
					(state) -> this.instances.effectiveWeight(state, nowNanos), nowNanos);
			if (sampled != null) {
				return sampled;
			}
		}
		if (!excluded.isEmpty()) {
			List<ServiceInstance> others = new ArrayList<>(candidates.size());
			for (ServiceInstance candidate : candidates) {
				if (!excluded.contains(ServiceInstances.key(candidate))) {
					others.add(candidate);
				}
			}
			if (!others.isEmpty()) {
				candidates = others;
			}
		}
		if (candidates.isEmpty()) {
			return null;
		}
		// the states of the listed instances, in the list's order; an instance listed twice counts once
		int size = candidates.size();
		InstanceState[] states = new InstanceState[size];
		int distinct = 0;
		for (ServiceInstance candidate : candidates) {
			InstanceState state = this.instances.state(candidate, nowNanos);
			if (indexOf(states, distinct, state) < 0) {
				states[distinct++] = state;
			}
		}
		List<InstanceState> available = new ArrayList<>(distinct);
		for (int i = 0; i < distinct; i++) {
			if (states[i].isAvailable(nowNanos)) {
				available.add(states[i]);
			}
		}
		if (available.isEmpty()) {
			this.counts.increment(ServiceBalancer.Count.PANIC_CHOICES);
			this.lastPanicNanos = nowNanos;
			available = new ArrayList<>(Arrays.asList(states).subList(0, distinct));
		}
		return this.selector.select(available, (state) -> this.instances.effectiveWeight(state, nowNanos), nowNanos);
	}

	private static int indexOf(InstanceState[] states, int size, InstanceState state) {
		for (int i = 0; i < size; i++) {
			if (states[i] == state) {
				return i;
			}
		}
		return -1;
	}

	private @Nullable InstanceState available(ServiceInstance instance, Set<String> excluded, long nowNanos) {
		if (!excluded.isEmpty() && excluded.contains(ServiceInstances.key(instance))) {
			return null;
		}
		InstanceState state = this.instances.state(instance, nowNanos);
		return state.isAvailable(nowNanos) ? state : null;
	}

	long lastPanicNanos() {
		return this.lastPanicNanos;
	}

}
