package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The balancer of one service: an {@link InstanceState} per instance (keyed by host:port, created when the
 * discovery client first lists it), the service's strategy, and the choice itself. Thread-safe.
 */
public final class ServiceBalancer {

	private final String serviceId;

	private volatile LoadBalancingStrategy strategy;

	private final HyperlaneLoadBalancerProperties properties;

	private final OutlierEjection ejection;

	private final SlowStart slowStart;

	private final PowerOfTwoChoices chooser;

	private final LongSupplier clock;

	private final Map<String, InstanceState> instances = new ConcurrentHashMap<>();

	private final Map<String, Double> rotation = new LinkedHashMap<>();

	private final AtomicLong panics = new AtomicLong();

	private volatile long lastPanicNanos = Long.MIN_VALUE;

	private final AtomicLong retries = new AtomicLong();

	private final AtomicLong retriesDenied = new AtomicLong();

	ServiceBalancer(String serviceId, HyperlaneLoadBalancerProperties properties, PowerOfTwoChoices chooser,
			LongSupplier clock) {
		this.serviceId = serviceId;
		this.properties = properties;
		this.strategy = properties.strategyFor(serviceId);
		HyperlaneLoadBalancerProperties.Ejection ejection = properties.getEjection();
		this.ejection = new OutlierEjection(ejection.getConsecutiveFailures(), ejection.getBaseTime(),
				ejection.getMaxTime(), ejection.getMaxPercent());
		HyperlaneLoadBalancerProperties.SlowStartOptions slowStart = properties.getSlowStart();
		this.slowStart = new SlowStart(slowStart.getWindow(), slowStart.getAggression(),
				slowStart.getMinWeightPercent() / 100.0);
		this.chooser = chooser;
		this.clock = clock;
	}

	/**
	 * Choose an instance among those the discovery client lists now. Drained, ejected and backing-off instances
	 * are left out unless every instance is (panic mode: all of them are candidates again, as Envoy balances over
	 * all hosts below its healthy-panic threshold, rather than failing every call).
	 * @param candidates the instances
	 * @return the chosen one, or {@code null} when there is none
	 */
	public @Nullable ServiceInstance choose(List<ServiceInstance> candidates) {
		return choose(candidates, Set.of());
	}

	/**
	 * Choose an instance, leaving out instances already tried by this call unless no other is listed.
	 * @param candidates the instances
	 * @param excluded the {@code host:port} of instances to leave out
	 * @return the chosen one, or {@code null} when there is none
	 */
	public @Nullable ServiceInstance choose(List<ServiceInstance> candidates, Set<String> excluded) {
		if (!excluded.isEmpty()) {
			List<ServiceInstance> others = new ArrayList<>(candidates.size());
			for (ServiceInstance candidate : candidates) {
				if (!excluded.contains(key(candidate))) {
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
		long now = this.clock.getAsLong();
		Map<InstanceState, ServiceInstance> byState = new LinkedHashMap<>();
		for (ServiceInstance candidate : candidates) {
			byState.put(state(candidate, now), candidate);
		}
		List<InstanceState> states = new ArrayList<>(byState.keySet());
		List<InstanceState> available = new ArrayList<>(states.size());
		for (InstanceState state : states) {
			if (state.isAvailable(now)) {
				available.add(state);
			}
		}
		if (available.isEmpty()) {
			this.panics.incrementAndGet();
			this.lastPanicNanos = now;
			available = states;
		}
		List<InstanceState> choices = available;
		InstanceState chosen = switch (this.strategy) {
			case ROUND_ROBIN -> roundRobin(choices, now);
			case LEAST_REQUEST -> this.chooser.choose(choices, InstanceState::inFlight,
					(state) -> state.effectiveWeight(this.slowStart, now), (state) -> true);
			case PEAK_EWMA -> this.chooser.choose(choices, (state) -> state.cost(now),
					(state) -> state.effectiveWeight(this.slowStart, now), (state) -> true);
		};
		return (chosen != null) ? byState.get(chosen) : null;
	}

	/**
	 * Smooth weighted round robin (the rotation nginx uses for weighted upstreams): with equal weights a plain
	 * rotation, with weights 3:1:1 the sequence spreads the heavier instance's turns evenly.
	 */
	private InstanceState roundRobin(List<InstanceState> states, long now) {
		synchronized (this.rotation) {
			double total = 0;
			InstanceState best = states.get(0);
			double bestCurrent = Double.NEGATIVE_INFINITY;
			for (InstanceState state : states) {
				double weight = state.effectiveWeight(this.slowStart, now);
				total += weight;
				double current = this.rotation.merge(state.id(), weight, Double::sum);
				if (current > bestCurrent) {
					bestCurrent = current;
					best = state;
				}
			}
			this.rotation.put(best.id(), bestCurrent - total);
			return best;
		}
	}

	/**
	 * Count a request that starts on an instance.
	 * @param instance the instance
	 */
	public void started(ServiceInstance instance) {
		state(instance, this.clock.getAsLong()).start();
	}

	/**
	 * Record a finished request whose answer asked the caller to back off.
	 * @param instance the instance it ran on
	 * @param elapsedNanos its duration
	 * @param failed whether it failed
	 * @param penalty the latency the failure counts as
	 * @param retryAfter the {@code Retry-After} of a 503 or 429, during which the instance is not chosen (outside
	 * panic mode); zero for none
	 */
	public void finished(ServiceInstance instance, long elapsedNanos, boolean failed, Duration penalty,
			Duration retryAfter) {
		long now = this.clock.getAsLong();
		int ejected = (int) this.instances.values().stream().filter((state) -> state.isEjected(now)).count();
		boolean mayEject = this.ejection.mayEject(ejected, this.instances.size());
		InstanceState state = state(instance, now);
		state.finish(elapsedNanos, failed, penalty.toNanos(), this.ejection, mayEject, now);
		if (!retryAfter.isZero() && !retryAfter.isNegative()) {
			// capped like an ejection, so a wrong Retry-After cannot keep an instance out for hours
			Duration backOff = (retryAfter.compareTo(this.ejection.maxEjectionTime()) > 0)
					? this.ejection.maxEjectionTime() : retryAfter;
			state.backOff(now + backOff.toNanos());
		}
	}

	/**
	 * Count down a request its caller cancelled: it is no longer in flight, and says nothing of the instance.
	 * @param instance the instance it ran on
	 */
	public void cancelled(ServiceInstance instance) {
		state(instance, this.clock.getAsLong()).cancel();
	}

	/**
	 * Switch the service's strategy, live.
	 * @param strategy the new strategy
	 */
	public void strategy(LoadBalancingStrategy strategy) {
		this.strategy = strategy;
	}

	/**
	 * Drain an instance by hand: it gets no new requests (outside panic mode) until restored.
	 * @param instance the instance's host:port
	 * @return {@code false} when the service has no such instance
	 */
	public boolean drain(String instance) {
		InstanceState state = this.instances.get(instance);
		if (state == null) {
			return false;
		}
		state.drain();
		return true;
	}

	/**
	 * Restore a drained or ejected instance: it takes requests again, ramping up through slow start.
	 * @param instance the instance's host:port
	 * @return {@code false} when the service has no such instance
	 */
	public boolean restore(String instance) {
		InstanceState state = this.instances.get(instance);
		if (state == null) {
			return false;
		}
		state.restore(this.clock.getAsLong());
		return true;
	}

	/**
	 * Count a retry on another instance, allowed or refused by the retry budget.
	 * @param allowed whether the budget allowed it
	 */
	void retried(boolean allowed) {
		(allowed ? this.retries : this.retriesDenied).incrementAndGet();
	}

	/**
	 * Return whether the service chose in panic mode within a recent period.
	 * @param within the period
	 * @return {@code true} when the last panic choice is more recent
	 */
	public boolean panickedWithin(Duration within) {
		long last = this.lastPanicNanos;
		return last != Long.MIN_VALUE && this.clock.getAsLong() - last <= within.toNanos();
	}

	/**
	 * Return the retries on another instance so far.
	 * @return the count
	 */
	public long retries() {
		return this.retries.get();
	}

	/**
	 * Return the retries on another instance the retry budget refused.
	 * @return the count
	 */
	public long retriesDenied() {
		return this.retriesDenied.get();
	}

	private InstanceState state(ServiceInstance instance, long now) {
		return this.instances.computeIfAbsent(key(instance), (key) -> new InstanceState(key, weight(instance),
				this.properties.getInitialLatency(), this.properties.getDecay(), now));
	}

	static String key(ServiceInstance instance) {
		return instance.getHost() + ":" + instance.getPort();
	}

	private static double weight(ServiceInstance instance) {
		String weight = instance.getMetadata().get("weight");
		if (weight == null) {
			return 1.0;
		}
		try {
			return Double.parseDouble(weight);
		}
		catch (NumberFormatException ex) {
			return 1.0;
		}
	}

	/**
	 * Return the service id.
	 * @return the id
	 */
	public String serviceId() {
		return this.serviceId;
	}

	/**
	 * Return the strategy in use.
	 * @return the strategy
	 */
	public LoadBalancingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * Describe the service for the endpoint: its strategy and each instance's live figures.
	 * @return the description
	 */
	public Map<String, Object> describe() {
		long now = this.clock.getAsLong();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("strategy", this.strategy.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		description.put("retriesOnAnotherInstance", this.retries.get());
		description.put("retriesDeniedByBudget", this.retriesDenied.get());
		description.put("panicChoices", this.panics.get());
		Map<String, Object> instances = new LinkedHashMap<>();
		this.instances.forEach((key, state) -> {
			Map<String, Object> instance = new LinkedHashMap<>();
			instance.put("inFlight", state.inFlight());
			instance.put("latencyMillis", Math.round(state.latencyNanos(now) / 10_000.0) / 100.0);
			instance.put("successes", state.successes());
			instance.put("failures", state.failures());
			instance.put("ejections", state.ejections());
			instance.put("state", state.describeState(this.slowStart, now));
			Duration unavailable = state.unavailableFor(now);
			if (!unavailable.isZero()) {
				instance.put("unavailableForMillis", unavailable.toMillis());
			}
			instance.put("effectiveWeight", Math.round(state.effectiveWeight(this.slowStart, now) * 100) / 100.0);
			instances.put(key, instance);
		});
		description.put("instances", instances);
		return description;
	}

	/**
	 * Return the states of the instances seen so far.
	 * @return the states by host:port
	 */
	public Map<String, InstanceState> instances() {
		return Map.copyOf(this.instances);
	}

}
