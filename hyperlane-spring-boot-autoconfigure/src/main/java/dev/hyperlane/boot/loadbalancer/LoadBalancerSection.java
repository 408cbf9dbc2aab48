package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.HyperlaneSection;

/**
 * The {@code loadbalancers} section of the {@code hyperlane} endpoint: per service the strategy, retries on another
 * instance and panic-mode choices, and per instance the requests in flight, peak-EWMA latency, successes, failures,
 * ejections, state ({@code active}, {@code ramping}, {@code ejected}, {@code backing-off}, {@code drained}) and
 * effective weight. Advises when an instance has been ejected more than once and when a service chose in panic
 * mode within the last minute.
 * <p>
 * Live changes ({@code POST /actuator/hyperlane/loadbalancers}, only with unrestricted endpoint access):
 * <ul>
 * <li>{@code {"action": "strategy", "service": "payments", "value": "round-robin"}}: switch a service's
 * strategy ({@code round-robin}, {@code least-request}, {@code peak-ewma});</li>
 * <li>{@code {"action": "drain", "service": "payments", "instance": "10.0.0.7:8080"}}: take an instance out of the
 * choice (for a deployment) until restored;</li>
 * <li>{@code {"action": "restore", ...}}: put a drained or ejected instance back; it ramps up through slow
 * start.</li>
 * </ul>
 * Unknown actions, services, instances or strategies answer 400 naming what is allowed. Changes last until the
 * application restarts; the properties are not rewritten.
 */
public final class LoadBalancerSection implements HyperlaneSection {

	private final HyperlaneLoadBalancers balancers;

	/**
	 * Create the section.
	 * @param balancers the balancers shown
	 */
	public LoadBalancerSection(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public String name() {
		return "loadbalancers";
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		// against Spring Cloud LoadBalancer's round robin and its exchange filter, which does not retry
		HyperlaneLoadBalancerProperties properties = this.balancers.properties();
		List<ChangedDefault> changes = new ArrayList<>();
		if (properties.getStrategy() != LoadBalancingStrategy.ROUND_ROBIN) {
			changes.add(new ChangedDefault("hyperlane.loadbalancer.strategy", properties.getStrategy().displayName()));
		}
		if (properties.getRetry().isEnabled() && properties.getRetry().getMaxRetries() > 0) {
			changes.add(new ChangedDefault("hyperlane.loadbalancer.retry.max-retries",
					String.valueOf(properties.getRetry().getMaxRetries())));
		}
		return changes;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		this.balancers.services().forEach((id, service) -> description.put(id, describe(service)));
		return description;
	}

	/**
	 * Describe one service: its strategy, retries, panic choices and each listed instance's live figures.
	 */
	private static Map<String, Object> describe(ServiceBalancer service) {
		long now = service.nowNanos();
		ServiceInstances rules = service.serviceInstances();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("strategy", service.strategy().displayName());
		description.put("retriesOnAnotherInstance", service.retries());
		description.put("retriesDeniedByBudget", service.retriesDenied());
		description.put("panicChoices", service.panicChoices());
		Map<String, Object> instances = new LinkedHashMap<>();
		new TreeMap<>(service.instances()).forEach((key, state) -> {
			Map<String, Object> instance = new LinkedHashMap<>();
			instance.put("inFlight", state.inFlight());
			instance.put("latencyMillis", Math.round(state.latencyNanos(now) / 10_000.0) / 100.0);
			instance.put("successes", state.successes());
			instance.put("failures", state.failures());
			instance.put("ejections", state.ejections());
			instance.put("state", rules.describe(state, now));
			Duration unavailable = state.unavailableFor(now);
			if (!unavailable.isZero()) {
				instance.put("unavailableForMillis", unavailable.toMillis());
			}
			instance.put("effectiveWeight", Math.round(rules.effectiveWeight(state, now) * 100) / 100.0);
			instances.put(key, instance);
		});
		description.put("instances", instances);
		return description;
	}

	@Override
	public Map<String, Object> change(String action, Map<String, String> arguments) {
		String serviceId = required(arguments, "service");
		ServiceBalancer service = this.balancers.services().get(serviceId);
		if (service == null) {
			throw new IllegalArgumentException("No service '" + serviceId + "' has been called through the load"
					+ " balancer; known: " + this.balancers.services().keySet());
		}
		switch (action) {
			case "strategy" -> service.strategy(strategy(required(arguments, "value")));
			case "drain" -> instance(service, required(arguments, "instance"), service.drain(arguments.get("instance")));
			case "restore" -> instance(service, required(arguments, "instance"),
					service.restore(arguments.get("instance")));
			default -> throw new IllegalArgumentException(
					"Unknown action '" + action + "'; use strategy, drain or restore");
		}
		return Map.of(serviceId, describe(service));
	}

	private static void instance(ServiceBalancer service, String instance, boolean known) {
		if (!known) {
			throw new IllegalArgumentException("Service '" + service.serviceId() + "' has no instance '" + instance
					+ "'; known: " + service.instances().keySet());
		}
	}

	private static String required(Map<String, String> arguments, String name) {
		String value = arguments.get(name);
		if (value == null) {
			throw new IllegalArgumentException("Missing '" + name + "'");
		}
		return value;
	}

	private static LoadBalancingStrategy strategy(String value) {
		String normalized = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (LoadBalancingStrategy strategy : LoadBalancingStrategy.values()) {
			if (strategy.name().equals(normalized)) {
				return strategy;
			}
		}
		throw new IllegalArgumentException(
				"Unknown strategy '" + value + "'; use round-robin, least-request or peak-ewma");
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		this.balancers.services().forEach((id, service) -> {
			if (service.panickedWithin(Duration.ofMinutes(1))) {
				advice.add(Advice.warning("service '" + id + "' is balancing in panic mode: every instance is"
						+ " ejected, backing off or drained, so all of them take requests again",
						"hyperlane.loadbalancer.ejection.max-percent",
						"look at the instances' health; panic mode keeps calls flowing instead of failing them all"));
			}
		});
		this.balancers.services().forEach((id, service) -> service.instances().forEach((key, state) -> {
			if (state.ejections() > 1) {
				advice.add(Advice.warning("service '" + id + "': instance " + key + " was ejected " + state.ejections()
						+ " times for consecutive failures", "hyperlane.loadbalancer.ejection.consecutive-failures",
						"look at that instance's health; the ejection time grows with each ejection"));
			}
		}));
		return advice;
	}

}
