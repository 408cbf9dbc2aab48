package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

/**
 * Every service's {@link ServiceBalancer}, created on a service's first call. Shared by the balancers in Spring
 * Cloud LoadBalancer's per-service contexts, the lifecycle that feeds them, and the endpoint.
 */
public final class HyperlaneLoadBalancers {

	private final HyperlaneLoadBalancerProperties properties;

	private final PowerOfTwoChoices chooser = new PowerOfTwoChoices(RandomGenerator.getDefault());

	private final Map<String, ServiceBalancer> services = new ConcurrentHashMap<>();

	/**
	 * Create the registry.
	 * @param properties the load-balancer properties
	 */
	public HyperlaneLoadBalancers(HyperlaneLoadBalancerProperties properties) {
		this.properties = properties;
	}

	/**
	 * Return the balancer of a service, created on first use.
	 * @param serviceId the service id
	 * @return the balancer
	 */
	public ServiceBalancer service(String serviceId) {
		return this.services.computeIfAbsent(serviceId,
				(id) -> new ServiceBalancer(id, this.properties, this.chooser, System::nanoTime));
	}

	/**
	 * Return the balancers created so far, by service id.
	 * @return the balancers
	 */
	public Map<String, ServiceBalancer> services() {
		return new TreeMap<>(this.services);
	}

	/**
	 * Return the load-balancer properties.
	 * @return the properties
	 */
	public HyperlaneLoadBalancerProperties properties() {
		return this.properties;
	}

}
