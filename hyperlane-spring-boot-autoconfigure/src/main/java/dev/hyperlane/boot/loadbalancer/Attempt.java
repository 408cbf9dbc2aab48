package dev.hyperlane.boot.loadbalancer;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.hyperlane.boot.retry.ServiceAttempt;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;

/**
 * One load-balanced attempt of a call, carried as a request attribute from
 * {@link HyperlaneLoadBalancerExchangeFilterFunction} to {@link HyperlaneLoadBalancerLifecycle}: where it went, when
 * it started, and whether it has been accounted for. A call cancelled by its caller (a timeout, a client that went
 * away) never reaches Spring Cloud's completion callback; the filter then ends the attempt itself, so the
 * instance's requests in flight do not leak. Its latency, for the balancer, is the round trip its {@link ServiceAttempt}
 * saw in the HTTP client, when it reported one.
 */
final class Attempt {

	static final String ATTRIBUTE = Attempt.class.getName();

	private final AtomicBoolean ended = new AtomicBoolean();

	private final @Nullable ServiceAttempt serviceAttempt;

	private volatile @Nullable ServiceInstance instance;

	private volatile long startNanos;

	/**
	 * Create an attempt.
	 * @param serviceAttempt what the HTTP client reports of the same attempt, or {@code null}
	 */
	Attempt(@Nullable ServiceAttempt serviceAttempt) {
		this.serviceAttempt = serviceAttempt;
	}

	void started(ServiceInstance instance, long nowNanos) {
		this.startNanos = nowNanos;
		this.instance = instance;
	}

	/**
	 * Mark the attempt ended, once.
	 * @return {@code true} for the first caller
	 */
	boolean end() {
		return this.ended.compareAndSet(false, true);
	}

	@Nullable ServiceInstance instance() {
		return this.instance;
	}

	long startNanos() {
		return this.startNanos;
	}

	/**
	 * Return the instance's latency for this attempt: the round trip from the HTTP client taking the request for the
	 * instance's pool to the response headers, when the HTTP client reported one, else the time since the choice.
	 * @param nowNanos the current time
	 * @return nanoseconds
	 */
	long latencyNanos(long nowNanos) {
		long roundTrip = (this.serviceAttempt != null) ? this.serviceAttempt.roundTripNanos() : -1;
		return (roundTrip >= 0) ? roundTrip : nowNanos - this.startNanos;
	}

	@SuppressWarnings("rawtypes")
	static @Nullable Attempt of(@Nullable Request request) {
		if (request != null && request.getContext() instanceof RequestDataContext context
				&& context.getClientRequest() != null && context.getClientRequest().getAttributes() != null
				&& context.getClientRequest().getAttributes().get(ATTRIBUTE) instanceof Attempt attempt) {
			return attempt;
		}
		return null;
	}

}
