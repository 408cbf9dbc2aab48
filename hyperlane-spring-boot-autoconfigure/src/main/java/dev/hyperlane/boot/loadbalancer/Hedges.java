package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.hyperlane.boot.HyperlaneSettingException;
import org.jspecify.annotations.Nullable;

/**
 * Every service's {@link ServiceHedging}, created on its first call when hedging is on for it
 * ({@code hyperlane.loadbalancer.services.<id>.hedging.enabled}, else {@code hyperlane.loadbalancer.hedging.enabled}).
 * Read by the hedging filter, the endpoint and the meters. Hedging needs the retry budgets of Hyperlane's HTTP
 * client (every hedge is taken from the service's retry budget).
 */
public final class Hedges {

	private final HyperlaneLoadBalancerProperties properties;

	private final HyperlaneLoadBalancers balancers;

	private final Map<String, Optional<ServiceHedging>> services = new ConcurrentHashMap<>();

	private volatile Runnable created = () -> {
	};

	/**
	 * Create the registry.
	 * @param balancers the balancers, whose properties configure hedging and whose latency data gives the delay
	 * @throws HyperlaneSettingException when the budget is not 0 to 100 or a delay is not above zero
	 */
	public Hedges(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
		HyperlaneLoadBalancerProperties properties = balancers.properties();
		this.properties = properties;
		HyperlaneLoadBalancerProperties.Hedging hedging = properties.getHedging();
		if (hedging.getBudgetPercent() < 0 || hedging.getBudgetPercent() > 100) {
			throw new HyperlaneSettingException("hyperlane.loadbalancer.hedging.budget-percent",
					"value " + hedging.getBudgetPercent() + " is out of range",
					"Set hyperlane.loadbalancer.hedging.budget-percent to 0 to 100; 5 is the default.");
		}
		checkDelay("hyperlane.loadbalancer.hedging.delay", hedging.getDelay());
		properties.getServices()
			.forEach((id, options) -> checkDelay("hyperlane.loadbalancer.services." + id + ".hedging.delay",
					options.getHedging().getDelay()));
	}

	private static void checkDelay(String property, @Nullable Duration delay) {
		if (delay != null && (delay.isNegative() || delay.isZero())) {
			throw new HyperlaneSettingException(property, "must be above 0, was " + delay,
					"Set " + property + " to a positive duration, or leave it unset for the service's p95 latency.");
		}
	}

	/**
	 * Return whether any service may be hedged.
	 * @return {@code true} when hedging is on globally or for one service
	 */
	public boolean anyEnabled() {
		return this.properties.getHedging().isEnabled() || this.properties.getServices()
			.values()
			.stream()
			.anyMatch((options) -> Boolean.TRUE.equals(options.getHedging().getEnabled()));
	}

	/**
	 * Return the hedging of a service.
	 * @param serviceId the service id
	 * @return its hedging, or {@code null} when it is off for the service
	 */
	public @Nullable ServiceHedging service(String serviceId) {
		Optional<ServiceHedging> hedging = this.services.get(serviceId);
		if (hedging == null) {
			hedging = this.services.computeIfAbsent(serviceId, this::create);
			this.created.run();
		}
		return hedging.orElse(null);
	}

	/**
	 * Run an action each time a service is first seen (the meters bind the new service's counters).
	 * @param action the action
	 */
	void onCreated(Runnable action) {
		this.created = action;
	}

	private Optional<ServiceHedging> create(String serviceId) {
		HyperlaneLoadBalancerProperties.Hedging global = this.properties.getHedging();
		HyperlaneLoadBalancerProperties.ServiceOptions options = this.properties.getServices().get(serviceId);
		HyperlaneLoadBalancerProperties.ServiceHedging own = (options != null) ? options.getHedging() : null;
		boolean enabled = (own != null && own.getEnabled() != null) ? own.getEnabled() : global.isEnabled();
		if (!enabled) {
			return Optional.empty();
		}
		Duration delay = (own != null && own.getDelay() != null) ? own.getDelay() : global.getDelay();
		return Optional.of(new ServiceHedging(delay, this.balancers.service(serviceId).recentLatencies(),
				global.getBudgetPercent()));
	}

	/**
	 * Return the services hedged so far, by id.
	 * @return the hedging of each
	 */
	public Map<String, ServiceHedging> services() {
		Map<String, ServiceHedging> hedged = new TreeMap<>();
		this.services.forEach((id, hedging) -> hedging.ifPresent((present) -> hedged.put(id, present)));
		return hedged;
	}

}
