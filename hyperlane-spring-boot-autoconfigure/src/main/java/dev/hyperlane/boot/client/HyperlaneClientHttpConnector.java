package dev.hyperlane.boot.client;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import dev.hyperlane.boot.RetryBudgets;
import dev.hyperlane.boot.ServiceAddresses;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.http.client.reactive.ClientHttpResponse;

/**
 * The {@link ClientHttpConnector} behind every {@code WebClient}: it sends each request through the
 * {@link ServiceClient} of the URL's service (the one a load balancer registered the address for, else the service
 * configured under {@code hyperlane.client.services} for the host, else the shared default), and makes the one
 * safe retry.
 * <p>
 * A request is retried once, on a fresh connection after a jittered backoff, when all of these hold: it failed
 * before any response header arrived with a premature close, a connection reset or a refused connection; it is
 * idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) or carries an {@code Idempotency-Key} header; and the
 * service's {@link RetryBudget} has a retry left. A non-idempotent request without a key is never replayed.
 * Errors after the response headers arrived are never retried. A pool that is exhausted fails the request at once
 * with a {@link ConnectionPoolExhaustedException}.
 */
public final class HyperlaneClientHttpConnector implements ClientHttpConnector, ServiceAddresses, RetryBudgets {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private final Map<String, ServiceClient> services;

	private final ServiceClient fallback;

	private final Map<String, ServiceClient> byAddress = new ConcurrentHashMap<>();

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
	public void register(String host, int port, String serviceId) {
		ServiceClient client = this.services.get(serviceId.toLowerCase(Locale.ROOT));
		if (client != null) {
			this.byAddress.put(address(host, port), client);
		}
	}

	@Override
	public boolean tryRetry(String serviceId) {
		ServiceClient client = clientFor(serviceId);
		if (client.budget().tryRetry()) {
			client.statistics().retries.increment();
			return true;
		}
		client.statistics().retriesDeniedByBudget.increment();
		return false;
	}

	/**
	 * Return the client for a request's URI: the service registered for its address by a load balancer, else the
	 * service named by its host, else the default.
	 * @param uri the request URI
	 * @return the client
	 */
	public ServiceClient clientFor(URI uri) {
		if (!this.byAddress.isEmpty() && uri.getHost() != null) {
			ServiceClient client = this.byAddress.get(address(uri.getHost(), uri.getPort()));
			if (client != null) {
				return client;
			}
		}
		return clientFor(uri.getHost());
	}

	private static String address(String host, int port) {
		return host.toLowerCase(Locale.ROOT) + ":" + port;
	}

	/**
	 * Return the client for the given host.
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
		ServiceClient client = clientFor(uri);
		ClientStatistics statistics = client.statistics();
		statistics.requests.increment();
		client.budget().onRequest();
		AtomicBoolean idempotencyKey = new AtomicBoolean();
		long start = System.nanoTime();
		Function<ClientHttpRequest, Mono<Void>> observed = (request) -> {
			statistics.acquireNanos.add(System.nanoTime() - start);
			statistics.acquires.increment();
			// the callback copies the request's headers before it returns its body publisher
			Mono<Void> written = requestCallback.apply(request);
			if (request.getHeaders().containsHeader(IDEMPOTENCY_KEY)) {
				idempotencyKey.set(true);
			}
			return written;
		};
		return client.pooled()
			.connect(method, uri, observed)
			.onErrorResume((error) -> retryOrFail(client, method, uri, observed, idempotencyKey.get(), error));
	}

	private Mono<ClientHttpResponse> retryOrFail(ServiceClient client, HttpMethod method, URI uri,
			Function<ClientHttpRequest, Mono<Void>> request, boolean idempotencyKey, Throwable error) {
		RetryDecision decision = RetryDecision.decide(client, method, idempotencyKey, error);
		if (decision.exhausted() != null) {
			return Mono.error(decision.exhausted());
		}
		if (!decision.retry()) {
			return Mono.error(error);
		}
		return Mono.delay(decision.delay())
			.then(client.fresh().connect(method, uri, request))
			.onErrorMap((retryError) -> {
				retryError.addSuppressed(error);
				return retryError;
			});
	}

	void dispose() {
		this.services.values().forEach(ServiceClient::dispose);
		this.fallback.dispose();
	}

}
