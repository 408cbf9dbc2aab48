package dev.hyperlane.boot;

/**
 * Which service an instance address belongs to. A load balancer rewrites {@code http://payments/...} to the chosen
 * instance's address before the HTTP client sees the request; it registers that address here so that the client
 * still runs the call on the {@code payments} service's connection pool and settings.
 */
public interface ServiceAddresses {

	/**
	 * Record that an instance address belongs to a service.
	 * @param host the instance's host
	 * @param port the instance's port
	 * @param serviceId the service id
	 */
	void register(String host, int port, String serviceId);

}
