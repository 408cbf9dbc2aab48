package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import dev.hyperlane.boot.InstanceDepartures;

/**
 * Every service's {@link ServiceBalancer}, created on a service's first call. Shared by the balancers in Spring
 * Cloud LoadBalancer's per-service contexts, the lifecycle that feeds them, and the endpoint.
 */
public final class HyperlaneLoadBalancers {

	private final LoadBalancerSettings settings;

	private final PowerOfTwoChoices chooser = new PowerOfTwoChoices(RandomGenerator.getDefault());

	private final Map<String, ServiceBalancer> services = new ConcurrentHashMap<>();

	private final InstanceDepartures departures;

	/**
	 * Create the registry.
	 * @param settings the load-balancer settings
	 */
	public HyperlaneLoadBalancers(LoadBalancerSettings settings) {
		this(settings, (service, host, port) -> {
		});
	}

	/**
	 * Create the registry.
	 * @param settings the load-balancer settings
	 * @param departures told when an instance leaves a service's list (the HTTP client's pools, the meters)
	 */
	public HyperlaneLoadBalancers(LoadBalancerSettings settings, InstanceDepartures departures) {
		this.settings = settings;
		this.departures = departures;
	}

	/**
	 * Return the balancer of a service, created on first use.
	 * @param serviceId the service id
	 * @return the balancer
	 */
	public ServiceBalancer service(String serviceId) {
		return this.services.computeIfAbsent(serviceId,
				(id) -> new ServiceBalancer(id, this.settings, this.chooser, System::nanoTime, this.departures));
	}

	/**
	 * Return the balancers created so far, by service id.
	 * @return the balancers
	 */
	public Map<String, ServiceBalancer> services() {
		return new TreeMap<>(this.services);
	}

	/**
	 * Return the load-balancer settings.
	 * @return the settings
	 */
	public LoadBalancerSettings settings() {
		return this.settings;
	}

}
