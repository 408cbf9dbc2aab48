package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

/**
 * Every service's {@link ServiceHedging}, created on its first call when hedging is on for it
 * ({@code hyperlane.loadbalancer.services.<id>.hedging.enabled}, else {@code hyperlane.loadbalancer.hedging.enabled}).
 * Read by the hedging filter, the endpoint and the meters.
 */
public final class Hedges {

	private static final Duration WINDOW = Duration.ofSeconds(10);

	private final LoadBalancerSettings settings;

	private final Map<String, Optional<ServiceHedging>> services = new ConcurrentHashMap<>();

	private volatile Runnable created = () -> {
	};

	/**
	 * Create the registry.
	 * @param settings the load-balancer settings, whose hedging values were checked when they were resolved
	 */
	public Hedges(LoadBalancerSettings settings) {
		this.settings = settings;
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
				this.settings.require(LoadBalancerSettings.HEDGING_BUDGET_PERCENT), WINDOW));
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
