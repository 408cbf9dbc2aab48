package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Every service's {@link ServiceHedging}, created on its first call when hedging is on for it
 * ({@code hyperlane.loadbalancer.services.<id>.hedging.enabled}, else {@code hyperlane.loadbalancer.hedging.enabled}).
 * Read by the hedging filter, the endpoint and the meters. Hedging needs the retry budgets of Hyperlane's HTTP
 * client (every hedge is taken from the service's retry budget).
 */
public final class Hedges {

	private final LoadBalancerSettings settings;

	private final HyperlaneLoadBalancers balancers;

	private final Map<String, Optional<ServiceHedging>> services = new ConcurrentHashMap<>();

	private volatile Runnable created = () -> {
	};

	/**
	 * Create the registry.
	 * @param balancers the balancers, whose settings configure hedging (checked when they were resolved) and whose
	 * latency data gives the delay
	 */
	public Hedges(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
		this.settings = balancers.settings();
	}

	/**
	 * Return whether any service may be hedged.
	 * @return {@code true} when hedging is on globally or for one service
	 */
	public boolean anyEnabled() {
		return this.settings.anyHedged();
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
		LoadBalancerSettings.Service service = this.settings.service(serviceId);
		if (!service.hedged()) {
			return Optional.empty();
		}
		return Optional.of(new ServiceHedging(service.hedgingDelay(),
				this.balancers.service(serviceId).recentLatencies(),
				this.settings.require(LoadBalancerSettings.HEDGING_BUDGET_PERCENT)));
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
