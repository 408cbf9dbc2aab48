package dev.hyperlane.boot.retry;

/**
 * The retry policy of each downstream service, so that every layer that retries a call to a service (the HTTP
 * client on a fresh connection, the load balancer on another instance) takes from that service's one retry budget.
 * Implemented by the HTTP client, which owns the per-service settings.
 */
@FunctionalInterface
public interface RetryPolicies {

	/**
	 * Return the policy of a service.
	 * @param serviceId the service id (the host of {@code http://payments/...})
	 * @return the service's policy, or the default policy for a service that is not configured
	 */
	RetryPolicy forService(String serviceId);

}
