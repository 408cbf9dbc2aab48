package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.InstanceDepartures;

/**
 * Every service's {@link ServiceBalancer}, created on a service's first call. Shared by the balancers in Spring
 * Cloud LoadBalancer's per-service contexts, the lifecycle that feeds them, and the endpoint.
 */
public final class HyperlaneLoadBalancers {

	private final HyperlaneLoadBalancerProperties properties;

	private final PowerOfTwoChoices chooser = new PowerOfTwoChoices(RandomGenerator.getDefault());

	private final Map<String, ServiceBalancer> services = new ConcurrentHashMap<>();

	private final InstanceDepartures departures;

	/**
	 * Create the registry.
	 * @param properties the load-balancer properties
	 */
	public HyperlaneLoadBalancers(HyperlaneLoadBalancerProperties properties) {
		this(properties, (service, host, port) -> {
		});
	}

	/**
	 * Create the registry.
	 * @param properties the load-balancer properties
	 * @param departures told when an instance leaves a service's list (the HTTP client's pools, the meters)
	 */
	public HyperlaneLoadBalancers(HyperlaneLoadBalancerProperties properties, InstanceDepartures departures) {
		this.properties = properties;
		this.departures = departures;
		validate(properties);
	}

	private static void validate(HyperlaneLoadBalancerProperties properties) {
		String prefix = "hyperlane.loadbalancer.";
		HyperlaneLoadBalancerProperties.Ejection ejection = properties.getEjection();
		check(ejection.getConsecutiveFailures() >= 1, prefix + "ejection.consecutive-failures",
				ejection.getConsecutiveFailures(), "1 or more");
		check(!ejection.getBaseTime().isNegative(), prefix + "ejection.base-time", ejection.getBaseTime(),
				"0s or more");
		check(ejection.getMaxTime().compareTo(ejection.getBaseTime()) >= 0, prefix + "ejection.max-time",
				ejection.getMaxTime(), "hyperlane.loadbalancer.ejection.base-time (" + ejection.getBaseTime()
						+ ") or more");
		check(ejection.getMaxPercent() >= 0 && ejection.getMaxPercent() <= 100, prefix + "ejection.max-percent",
				ejection.getMaxPercent(), "0 to 100");
		HyperlaneLoadBalancerProperties.SlowStartOptions slowStart = properties.getSlowStart();
		check(!slowStart.getWindow().isNegative(), prefix + "slow-start.window", slowStart.getWindow(),
				"0s (off) or more");
		check(slowStart.getAggression() > 0, prefix + "slow-start.aggression", slowStart.getAggression(),
				"above 0");
		check(slowStart.getMinWeightPercent() >= 0 && slowStart.getMinWeightPercent() <= 100,
				prefix + "slow-start.min-weight-percent", slowStart.getMinWeightPercent(), "0 to 100");
		check(!properties.getDecay().isNegative() && !properties.getDecay().isZero(), prefix + "decay",
				properties.getDecay(), "a positive duration, such as 10s");
		check(!properties.getInitialLatency().isNegative(), prefix + "initial-latency", properties.getInitialLatency(),
				"0s or more");
		check(!properties.getFailurePenalty().isNegative(), prefix + "failure-penalty", properties.getFailurePenalty(),
				"0s or more");
	}

	private static void check(boolean valid, String property, Object value, String allowed) {
		if (!valid) {
			throw new HyperlaneSettingException(property, "value " + value + " is out of range",
					"Set " + property + " to " + allowed + ".");
		}
	}

	/**
	 * Return the balancer of a service, created on first use.
	 * @param serviceId the service id
	 * @return the balancer
	 */
	public ServiceBalancer service(String serviceId) {
		return this.services.computeIfAbsent(serviceId,
				(id) -> new ServiceBalancer(id, this.properties, this.chooser, System::nanoTime, this.departures));
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
