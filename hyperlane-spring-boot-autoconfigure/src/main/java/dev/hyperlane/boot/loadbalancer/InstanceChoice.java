package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

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

	private final AtomicLong panics = new AtomicLong();

	private volatile long lastPanicNanos = Long.MIN_VALUE;

	InstanceChoice(ServiceInstances instances, InstanceSelector selector) {
		this.instances = instances;
		this.selector = selector;
	}

	void selector(InstanceSelector selector) {
		this.selector = selector;
	}

	@Nullable ServiceInstance choose(List<ServiceInstance> candidates, Set<String> excluded, long nowNanos) {
		if (candidates.size() >= SAMPLED_FROM) {
			List<ServiceInstance> listed = candidates;
			int index = this.selector.sample(listed.size(), (i) -> available(listed.get(i), excluded, nowNanos),
					(state) -> this.instances.effectiveWeight(state, nowNanos), nowNanos);
			if (index >= 0) {
				return listed.get(index);
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
		Map<InstanceState, ServiceInstance> byState = new LinkedHashMap<>();
		for (ServiceInstance candidate : candidates) {
			byState.put(this.instances.state(candidate, nowNanos), candidate);
		}
		List<InstanceState> available = new ArrayList<>(byState.size());
		for (InstanceState state : byState.keySet()) {
			if (state.isAvailable(nowNanos)) {
				available.add(state);
			}
		}
		if (available.isEmpty()) {
			this.panics.incrementAndGet();
			this.lastPanicNanos = nowNanos;
			available = new ArrayList<>(byState.keySet());
		}
		InstanceState chosen = this.selector.select(available,
				(state) -> this.instances.effectiveWeight(state, nowNanos), nowNanos);
		return (chosen != null) ? byState.get(chosen) : null;
	}

	private @Nullable InstanceState available(ServiceInstance instance, Set<String> excluded, long nowNanos) {
		if (!excluded.isEmpty() && excluded.contains(ServiceInstances.key(instance))) {
			return null;
		}
		InstanceState state = this.instances.state(instance, nowNanos);
		return state.isAvailable(nowNanos) ? state : null;
	}

	long panics() {
		return this.panics.get();
	}

	long lastPanicNanos() {
		return this.lastPanicNanos;
	}

}
