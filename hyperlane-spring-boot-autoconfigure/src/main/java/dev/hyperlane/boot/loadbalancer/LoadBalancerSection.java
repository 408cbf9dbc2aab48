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
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionChange;
import dev.hyperlane.boot.SectionNames;

/**
 * The {@code loadbalancers} section of the {@code hyperlane} endpoint: per service the strategy, retries on another
 * instance and panic-mode choices, and per instance the requests in flight, peak-EWMA latency, successes, failures,
 * ejections, state ({@code active}, {@code ramping}, {@code ejected}, {@code backing-off}, {@code drained}) and
 * effective weight, and every {@code hyperlane.loadbalancer.*} setting as it applies to the service with its
 * value, source and reason (a service's own {@code services.<id>.*} value under its own property). Advises when an
 * instance has been ejected more than once and when a service chose in panic mode within the last minute.
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
 *
 * @param name the section's name, {@link SectionNames#LOAD_BALANCERS}
 * @param balancers the balancers shown
 */
public record LoadBalancerSection(String name, HyperlaneLoadBalancers balancers) implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#LOAD_BALANCERS}.
	 * @param balancers the balancers shown
	 */
	public LoadBalancerSection(HyperlaneLoadBalancers balancers) {
		this(SectionNames.LOAD_BALANCERS, balancers);
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		// against Spring Cloud LoadBalancer's round robin and its exchange filter, which does not retry
		LoadBalancerSettings settings = this.balancers.settings();
		List<ChangedDefault> changes = new ArrayList<>();
		if (settings.strategy() != LoadBalancingStrategy.ROUND_ROBIN) {
			changes.add(new ChangedDefault("hyperlane.loadbalancer.strategy", settings.strategy().displayName()));
		}
		int maxRetries = settings.require(LoadBalancerSettings.RETRY_MAX_RETRIES);
		if (settings.require(LoadBalancerSettings.RETRY_ENABLED) && maxRetries > 0) {
			changes.add(new ChangedDefault("hyperlane.loadbalancer.retry.max-retries", String.valueOf(maxRetries)));
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
	 * Describe one service: its strategy, retries, panic choices, each listed instance's live figures and the
	 * settings that apply to it, each with its value, source and reason.
	 */
	private Map<String, Object> describe(ServiceBalancer service) {
		long now = service.nowNanos();
		ServiceInstances rules = service.serviceInstances();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("strategy", service.strategy().displayName());
		description.putAll(service.counts().toMap());
		Map<String, Object> instances = new LinkedHashMap<>();
		new TreeMap<>(rules.states()).forEach((key, state) -> {
			Map<String, Object> instance = new LinkedHashMap<>();
			instance.put("inFlight", state.inFlight());
			instance.put("latencyMillis", millis(state.latencyNanos(now)));
			instance.put("meanLatencyMillis", millis(state.meanLatencyNanos(now)));
			instance.put("floorLatencyMillis", millis(state.floorLatencyNanos(now)));
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
		description.put("settings",
				EffectiveSetting.describeAll(this.balancers.settings().service(service.serviceId()).effective().values()));
		return description;
	}

	@Override
	public Map<String, Object> change(SectionChange change) {
		String serviceId = change.requireService();
		ServiceBalancer service = this.balancers.services().get(serviceId);
		if (service == null) {
			throw new IllegalArgumentException("No service '" + serviceId + "' has been called through the load"
					+ " balancer; known: " + this.balancers.services().keySet());
		}
		switch (change.action()) {
			case "strategy" -> service.strategy(strategy(change.requireValue()));
			case "drain" -> instance(service, change.requireInstance(), service.drain(change.requireInstance()));
			case "restore" -> instance(service, change.requireInstance(), service.restore(change.requireInstance()));
			default -> throw new IllegalArgumentException(
					"Unknown action '" + change.action() + "'; use strategy, drain or restore");
		}
		return Map.of(serviceId, describe(service));
	}

	private static void instance(ServiceBalancer service, String instance, boolean known) {
		if (!known) {
			throw new IllegalArgumentException("Service '" + service.serviceId() + "' has no instance '" + instance
					+ "'; known: " + service.serviceInstances().states().keySet());
		}
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
		this.balancers.services().forEach((id, service) -> service.serviceInstances().states().forEach((key, state) -> {
			if (state.ejections() > 1) {
				advice.add(Advice.warning("service '" + id + "': instance " + key + " was ejected " + state.ejections()
						+ " times for consecutive failures", "hyperlane.loadbalancer.ejection.consecutive-failures",
						"look at that instance's health; the ejection time grows with each ejection"));
			}
		}));
		return advice;
	}

	/**
	 * Return a duration in milliseconds with two decimals, as the section shows latencies.
	 * @param nanos the duration in nanoseconds
	 * @return the milliseconds, rounded to 0.01
	 */
	static double millis(double nanos) {
		return Math.round(nanos / 10_000.0) / 100.0;
	}

}
