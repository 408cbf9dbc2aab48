package dev.hyperlane.boot;

/**
 * Told when an instance of a downstream service joins or leaves the discovery client's list, so that what is kept
 * per instance follows the instances listed now: meters are bound when an instance is first listed, and connection
 * pools and meters are released when it leaves, so that with instances that come and go (scale-out, scale-in,
 * rolling restarts) memory stays bounded. The load balancer calls it, once per change of the list (never per
 * request); the HTTP client and the load-balancer meters implement it.
 */
@FunctionalInterface
public interface InstanceMembership {

	/**
	 * Start keeping what is kept for an instance first listed; by default nothing.
	 * @param serviceId the service id
	 * @param host the instance's host
	 * @param port the instance's port
	 */
	default void arrived(String serviceId, String host, int port) {
	}

	/**
	 * Release what is kept for an instance that left.
	 * @param serviceId the service id
	 * @param host the instance's host
	 * @param port the instance's port
	 */
	void departed(String serviceId, String host, int port);

}
