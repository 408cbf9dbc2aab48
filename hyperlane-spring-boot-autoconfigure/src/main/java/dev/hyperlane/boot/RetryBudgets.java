package dev.hyperlane.boot;

/**
 * The retry budget of each downstream service, shared by every layer that retries a call to it. The HTTP client
 * retries a request on a fresh connection and the load balancer retries it on another instance; both take from
 * the same budget, so together they never retry more than the budget allows (by default 20 % of the service's
 * requests over 10 s plus 10 per second, Finagle's model).
 */
public interface RetryBudgets {

	/**
	 * Take one retry from a service's budget if there is one left.
	 * @param serviceId the service id (the host of {@code http://payments/...})
	 * @return {@code true} when the retry may go ahead
	 */
	boolean tryRetry(String serviceId);

}
