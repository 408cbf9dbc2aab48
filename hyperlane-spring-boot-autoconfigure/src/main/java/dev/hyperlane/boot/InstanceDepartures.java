package dev.hyperlane.boot;

/**
 * Told when an instance of a downstream service leaves the discovery client's list, so that whatever was kept for
 * it (connection pools, meters) is released: with instances that come and go (scale-out, scale-in, rolling
 * restarts) memory stays bounded by the instances listed now. The load balancer calls it; the HTTP client and the
 * load-balancer meters implement it.
 */
@FunctionalInterface
public interface InstanceDepartures {

	/**
	 * Release what is kept for an instance that left.
	 * @param serviceId the service id
	 * @param host the instance's host
	 * @param port the instance's port
	 */
	void departed(String serviceId, String host, int port);

}
