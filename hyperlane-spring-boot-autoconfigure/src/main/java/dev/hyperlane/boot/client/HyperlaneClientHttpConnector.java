package dev.hyperlane.boot.client;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.InstanceMembership;
import dev.hyperlane.boot.retry.RetryPolicies;
import dev.hyperlane.boot.retry.RetryPolicy;
import dev.hyperlane.boot.retry.ServiceAttempt;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * The {@link ClientHttpConnector} behind every {@code WebClient}: it sends each request through the
 * {@link ServiceClient} of the request's service (the one a load balancer's {@link ServiceAttempt} in the Reactor
 * context names, else the service configured under {@code hyperlane.client.services} for the URL's host, else the
 * shared default), and makes the one safe retry on a fresh connection, as the service's {@link RetryPolicy}
 * decides: the request failed before any response header arrived without being sent, or with a premature close or
 * a connection reset; it is replayable (an idempotent method or an {@code Idempotency-Key} header); the service's
 * retry budget has a retry left; and the request's {@link Deadline}, if any, has not passed (checked again after the
 * backoff). The backoff is Reactor's, jittered. A non-idempotent request without a key is never replayed; errors
 * after the response headers arrived are never retried. A pool that is exhausted fails the request at once with a
 * {@link ConnectionPoolExhaustedException}.
 * <p>
 * It tells the load balancer's attempt whether the request was written, so the balancer can retry a request that
 * never left on another instance whatever the exception type, and when it was written and answered (the instance's
 * latency, without the caller's own queueing). It also serves as the services'
 * {@link RetryPolicies}, so the balancer's retries take from the same budgets, and releases the pools of an instance
 * that left its service's list ({@link InstanceMembership}).
 */
public final class HyperlaneClientHttpConnector implements ClientHttpConnector, RetryPolicies, InstanceMembership {

	private final Map<String, ServiceClient> services;

	private final ServiceClient fallback;

	/**
	 * Create a connector.
	 * @param services the clients of the configured services, keyed by lower-case host name
	 * @param fallback the client for every other host
	 */
	public HyperlaneClientHttpConnector(Map<String, ServiceClient> services, ServiceClient fallback) {
		Map<String, ServiceClient> byHost = new LinkedHashMap<>();
		services.forEach((host, client) -> byHost.put(host.toLowerCase(Locale.ROOT), client));
		this.services = Collections.unmodifiableMap(byHost);
		this.fallback = fallback;
	}

	@Override
	public RetryPolicy forService(String serviceId) {
		return clientFor(serviceId).retryPolicy();
	}

	/**
	 * Dispose the connection pools of an instance that left its service's list, in the service's client and in the
	 * default one (where calls go when the service is not configured).
	 */
	@Override
	public void departed(String serviceId, String host, int port) {
		ServiceClient client = clientFor(serviceId);
		client.release(host, port);
		if (client != this.fallback) {
			this.fallback.release(host, port);
		}
	}

	/**
	 * Return the client for the given host or service id.
	 * @param host a host name, or {@code null}
	 * @return the service's client, or the default one
	 */
	public ServiceClient clientFor(@Nullable String host) {
		ServiceClient client = (host != null) ? this.services.get(host.toLowerCase(Locale.ROOT)) : null;
		return (client != null) ? client : this.fallback;
	}

	/**
	 * Return every client: the configured services by name, then {@code default}.
	 * @return the clients
	 */
	public Map<String, ServiceClient> clients() {
		Map<String, ServiceClient> all = new LinkedHashMap<>(this.services);
		all.put("default", this.fallback);
		return all;
	}

	@Override
	public Mono<ClientHttpResponse> connect(HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		return Mono.deferContextual((context) -> {
			ServiceAttempt attempt = ServiceAttempt.from(context);
			if (attempt != null) {
				attempt.connecting();
			}
			ServiceClient client = clientFor((attempt != null) ? attempt.serviceId() : uri.getHost());
			return connect(client, attempt, Deadline.of(context), method, uri, requestCallback);
		});
	}

	private Mono<ClientHttpResponse> connect(ServiceClient client, @Nullable ServiceAttempt attempt,
			@Nullable Deadline deadline, HttpMethod method, URI uri,
			Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
		client.statistics().counts().increment(ClientStatistics.Count.REQUESTS);
		if (attempt == null || !attempt.repeat()) {
			// each call earns its share of a retry once, however many instances it is sent to
			client.retryPolicy().record();
		}
		Call call = new Call(client, attempt, deadline, method, uri, requestCallback);
		Mono<ClientHttpResponse> response = call.run(call, null);
		// the balancer's latency sample ends here: the response headers of the request written last
		return (attempt != null) ? response.doOnNext(call) : response;
	}

	void dispose() {
		this.services.values().forEach(ServiceClient::dispose);
		this.fallback.dispose();
	}

	/**
	 * One request: its retry on a fresh connection, the callback that notes when it is written and whether it
	 * carries an {@value RetryPolicy#IDEMPOTENCY_KEY}, its attempts, and the end of the balancer's latency sample,
	 * all in one object.
	 */
	private static final class Call extends SameInstanceRetry implements Function<ClientHttpRequest, Mono<Void>>,
			IntFunction<Mono<ClientHttpResponse>>, Consumer<ClientHttpResponse> {

		private final @Nullable ServiceAttempt attempt;

		private final @Nullable Deadline deadline;

		private final HttpMethod method;

		private final URI uri;

		private final Function<? super ClientHttpRequest, Mono<Void>> requestCallback;

		private final long start = System.nanoTime();

		private volatile boolean idempotencyKey;

		private volatile boolean written;

		Call(ServiceClient client, @Nullable ServiceAttempt attempt, @Nullable Deadline deadline, HttpMethod method,
				URI uri, Function<? super ClientHttpRequest, Mono<Void>> requestCallback) {
			super(client);
			this.attempt = attempt;
			this.deadline = deadline;
			this.method = method;
			this.uri = uri;
			this.requestCallback = requestCallback;
		}

		@Override
		public Mono<ClientHttpResponse> apply(int number) {
			return ((number == 0) ? this.client.pooled() : this.client.fresh()).connect(this.method, this.uri, this);
		}

		@Override
		public Mono<Void> apply(ClientHttpRequest request) {
			this.client.statistics().acquired(System.nanoTime() - this.start);
			this.written = true;
			if (this.attempt != null) {
				this.attempt.writing();
			}
			// the callback copies the request's headers before it returns its body publisher
			Mono<Void> body = this.requestCallback.apply(request);
			if (request.getHeaders().containsHeader(RetryPolicy.IDEMPOTENCY_KEY)) {
				this.idempotencyKey = true;
			}
			return body;
		}

		@Override
		public void accept(ClientHttpResponse response) {
			if (this.attempt != null) {
				this.attempt.answered();
			}
		}

		@Override
		boolean replayable() {
			return RetryPolicy.isReplayable(this.method, this.idempotencyKey);
		}

		@Override
		boolean written() {
			return this.written;
		}

		@Override
		boolean expired() {
			return this.deadline != null && this.deadline.expired();
		}

	}

}
