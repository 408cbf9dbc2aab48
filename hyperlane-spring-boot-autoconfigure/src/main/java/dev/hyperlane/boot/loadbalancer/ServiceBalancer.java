package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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

	private final AtomicInteger position = new AtomicInteger();

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
	 * Choose an instance among those the discovery client lists now.
	 * @param candidates the instances
	 * @return the chosen one, or {@code null} when there is none
	 */
	public @Nullable ServiceInstance choose(List<ServiceInstance> candidates) {
		if (candidates.isEmpty()) {
			return null;
		}
		long now = this.clock.getAsLong();
		Map<InstanceState, ServiceInstance> byState = new LinkedHashMap<>();
		for (ServiceInstance candidate : candidates) {
			byState.put(state(candidate, now), candidate);
		}
		List<InstanceState> states = new ArrayList<>(byState.keySet());
		InstanceState chosen = switch (this.strategy) {
			case ROUND_ROBIN -> states.get(Math.floorMod(this.position.getAndIncrement(), states.size()));
			case LEAST_REQUEST -> this.chooser.choose(states, InstanceState::inFlight,
					(state) -> state.effectiveWeight(this.slowStart, now), (state) -> !state.isEjected(now));
			case PEAK_EWMA -> this.chooser.choose(states, (state) -> state.cost(this.slowStart, now),
					(state) -> state.effectiveWeight(this.slowStart, now), (state) -> !state.isEjected(now));
		};
		return (chosen != null) ? byState.get(chosen) : null;
	}

	/**
	 * Count a request that starts on an instance.
	 * @param instance the instance
	 */
	public void started(ServiceInstance instance) {
		state(instance, this.clock.getAsLong()).start();
	}

	/**
	 * Record a finished request.
	 * @param instance the instance it ran on
	 * @param elapsedNanos its duration
	 * @param failed whether it failed
	 * @param penalty the latency the failure counts as (the configured penalty, or a longer Retry-After)
	 */
	public void finished(ServiceInstance instance, long elapsedNanos, boolean failed, Duration penalty) {
		long now = this.clock.getAsLong();
		int ejected = (int) this.instances.values().stream().filter((state) -> state.isEjected(now)).count();
		boolean mayEject = this.ejection.mayEject(ejected, this.instances.size());
		state(instance, now).finish(elapsedNanos, failed, penalty.toNanos(), this.ejection, mayEject, now);
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
		description.put("strategy", this.strategy.name().toLowerCase().replace('_', '-'));
		Map<String, Object> instances = new LinkedHashMap<>();
		this.instances.forEach((key, state) -> {
			Map<String, Object> instance = new LinkedHashMap<>();
			instance.put("inFlight", state.inFlight());
			instance.put("latencyMillis", Math.round(state.latencyNanos() / 10_000.0) / 100.0);
			instance.put("successes", state.successes());
			instance.put("failures", state.failures());
			instance.put("ejections", state.ejections());
			instance.put("state", state.isEjected(now) ? "ejected"
					: (state.effectiveWeight(this.slowStart, now) < state.weight()) ? "ramping" : "active");
			instance.put("effectiveWeight", state.effectiveWeight(this.slowStart, now));
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
