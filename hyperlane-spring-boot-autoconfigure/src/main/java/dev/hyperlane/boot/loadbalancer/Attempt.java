package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import dev.hyperlane.boot.retry.ServiceAttempt;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * One load-balanced attempt of a call, in one object: the {@link ServiceAttempt} the HTTP client reports to (it
 * travels in the Reactor context); the request attribute that carries it from
 * {@link HyperlaneLoadBalancerExchangeFilterFunction} to {@link HyperlaneLoadBalancerLifecycle} (where it went, when
 * it started, whether it has been accounted for); and the exchange the rest of the filter chain sends it through,
 * which notes the {@code host:port} it was sent to (and tells the hedging) and whether a retry was started after it,
 * so the retry's own answer or failure is not retried again.
 * <p>
 * A call cancelled by its caller (a timeout, a client that went away) never reaches Spring Cloud's completion
 * callback; the filter then ends the attempt with {@link #run()}, so the instance's requests in flight do not leak.
 * Its latency, for the balancer, is the round trip the HTTP client saw, when it reported one.
 */
final class Attempt extends ServiceAttempt implements ExchangeFunction, Runnable {

	static final String ATTRIBUTE = Attempt.class.getName();

	private final AtomicBoolean ended = new AtomicBoolean();

	private final HyperlaneLoadBalancers balancers;

	private final ExchangeFunction next;

	private final @Nullable Consumer<String> chosen;

	private volatile @Nullable ServiceInstance instance;

	private volatile long startNanos;

	/** The {@code host:port} the attempt was sent to, once the rest of the chain sends it. */
	volatile @Nullable String tried;

	/** Whether a retry on another instance was started after this attempt. */
	volatile boolean retrying;

	/**
	 * Create an attempt.
	 * @param serviceId the service id
	 * @param repeat whether it repeats a call already recorded in the retry budget (a retry or a hedge)
	 * @param balancers the balancers, told when a cancelled attempt ends
	 * @param next the rest of the filter chain
	 * @param chosen told the {@code host:port} the attempt is sent to, or {@code null}
	 */
	Attempt(String serviceId, boolean repeat, HyperlaneLoadBalancers balancers, ExchangeFunction next,
			@Nullable Consumer<String> chosen) {
		super(serviceId, repeat);
		this.balancers = balancers;
		this.next = next;
		this.chosen = chosen;
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
		long roundTrip = roundTripNanos();
		return (roundTrip >= 0) ? roundTrip : nowNanos - this.startNanos;
	}

	@Override
	public Mono<ClientResponse> exchange(ClientRequest sent) {
		URI url = sent.url();
		String address = url.getHost() + ":" + url.getPort();
		this.tried = address;
		if (this.chosen != null) {
			this.chosen.accept(address);
		}
		return this.next.exchange(sent);
	}

	/**
	 * End the attempt because its caller cancelled it: the instance's requests in flight are counted down, no latency
	 * is recorded.
	 */
	@Override
	public void run() {
		ServiceInstance instance = this.instance;
		if (instance != null && end()) {
			this.balancers.service(serviceId()).cancelled(instance);
		}
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
