package dev.hyperlane.boot.loadbalancer;

/**
 * How a service's instance is chosen for each request.
 */
public enum LoadBalancingStrategy {

	/** Each instance in turn (Spring Cloud LoadBalancer's default), whatever its latency. */
	ROUND_ROBIN,

	/** Power of two choices over requests in flight. */
	LEAST_REQUEST,

	/** Power of two choices over peak-EWMA latency times requests in flight plus one (Finagle, Linkerd). */
	PEAK_EWMA

}
