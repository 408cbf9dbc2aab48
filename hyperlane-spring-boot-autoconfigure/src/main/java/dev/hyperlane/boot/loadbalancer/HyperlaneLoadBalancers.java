package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import dev.hyperlane.boot.HyperlaneSettingException;

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
		validate(properties);
	}

	private static void validate(HyperlaneLoadBalancerProperties properties) {
		HyperlaneLoadBalancerProperties.Ejection ejection = properties.getEjection();
		try {
			new OutlierEjection(ejection.getConsecutiveFailures(), ejection.getBaseTime(), ejection.getMaxTime(),
					ejection.getMaxPercent());
		}
		catch (IllegalArgumentException ex) {
			throw new HyperlaneSettingException("hyperlane.loadbalancer.ejection", ex.getMessage(),
					"Set hyperlane.loadbalancer.ejection.consecutive-failures to 1 or more, base-time <= max-time and"
							+ " max-percent from 0 to 100.");
		}
		HyperlaneLoadBalancerProperties.SlowStartOptions slowStart = properties.getSlowStart();
		try {
			new SlowStart(slowStart.getWindow(), slowStart.getAggression(), slowStart.getMinWeightPercent() / 100.0);
		}
		catch (IllegalArgumentException ex) {
			throw new HyperlaneSettingException("hyperlane.loadbalancer.slow-start", ex.getMessage(),
					"Set hyperlane.loadbalancer.slow-start.window to 0s or more, aggression above 0 and"
							+ " min-weight-percent from 0 to 100.");
		}
		if (properties.getDecay().isNegative() || properties.getDecay().isZero()
				|| properties.getInitialLatency().isNegative() || properties.getFailurePenalty().isNegative()) {
			throw new HyperlaneSettingException("hyperlane.loadbalancer.decay",
					"decay must be positive, initial-latency and failure-penalty 0 or more",
					"Set hyperlane.loadbalancer.decay to a positive duration such as 10s.");
		}
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
