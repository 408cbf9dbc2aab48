package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import dev.hyperlane.boot.InstanceMembership;
import org.jspecify.annotations.Nullable;

/**
 * Every service's {@link ServiceBalancer}, created on a service's first call. Shared by the balancers in Spring
 * Cloud LoadBalancer's per-service contexts, the lifecycle that feeds them, and the endpoint.
 */
public final class HyperlaneLoadBalancers {

	private final LoadBalancerSettings settings;

	private final PowerOfTwoChoices chooser = new PowerOfTwoChoices(RandomGenerator.getDefault());

	private final Map<String, ServiceBalancer> services = new ConcurrentHashMap<>();

	private final InstanceMembership membership;

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
	 * @param membership told when an instance joins or leaves a service's list (the HTTP client's pools, the meters)
	 */
	public HyperlaneLoadBalancers(LoadBalancerSettings settings, InstanceMembership membership) {
		this.settings = settings;
		this.membership = membership;
	}

	/**
	 * Return the balancer of a service, created on first use.
	 * @param serviceId the service id
	 * @return the balancer
	 */
	public ServiceBalancer service(String serviceId) {
		return this.services.computeIfAbsent(serviceId,
				(id) -> new ServiceBalancer(id, this.settings, this.chooser, System::nanoTime, this.membership));
	}

	/**
	 * Return the service whose balancer keeps state for an instance, without copying any balancer's instances.
	 * @param instance the instance's host:port
	 * @return the service id, or {@code null} when no balancer knows the instance
	 */
	public @Nullable String serviceOf(String instance) {
		for (ServiceBalancer balancer : this.services.values()) {
			if (balancer.serviceInstances().find(instance) != null) {
				return balancer.serviceId();
			}
		}
		return null;
	}

	/**
	 * Return whether a service's balancer keeps state for an instance (never creates the balancer).
	 * @param serviceId the service id
	 * @param instance the instance's host:port
	 * @return {@code true} when the service has a balancer that knows the instance
	 */
	public boolean knows(String serviceId, String instance) {
		ServiceBalancer balancer = this.services.get(serviceId);
		return balancer != null && balancer.serviceInstances().find(instance) != null;
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
