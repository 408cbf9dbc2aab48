package dev.hyperlane.boot.loadbalancer;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import dev.hyperlane.boot.RetryBudgets;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Spring Cloud LoadBalancer's exchange filter for {@code @LoadBalanced WebClient.Builder} (choice, lifecycle
 * callbacks, hints, sticky-session cookie and request transformers are Spring Cloud's, unchanged), with a retry on
 * another instance. Each attempt is a full load-balanced exchange, so the balancer learns from every one; a retry
 * excludes the instances already tried (unless none would be left). A request is sent again to another instance
 * when
 * <ul>
 * <li>it could not connect (connection refused, connect timeout, no route) or the pool handed out only closed
 * connections (Reactor Netty's "Error while acquiring from" after its own re-acquire): nothing was sent, so any
 * method is safe;</li>
 * <li>it is safe to replay (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or an {@code Idempotency-Key} header) and the
 * connection closed before any response (after the HTTP client's own retry on a fresh connection to the same
 * instance), or it was answered with one of {@code hyperlane.loadbalancer.retry.status-codes} (500, 502, 503,
 * 504 by default); the last answer is returned as it is when no retry is left.</li>
 * </ul>
 * Timeouts are not retried (a retry would double the load on a slow service). Each retry takes one from the
 * service's retry budget ({@link RetryBudgets}, shared with the HTTP client's retries); at most
 * {@code max-retries} per call. A POST without an {@code Idempotency-Key} that may have reached an instance is
 * never sent again.
 * <p>
 * A call its caller cancels (a timeout, a client that went away) ends its attempt here, because Spring Cloud's
 * completion callback is never called for it: the instance's requests in flight are counted down, no latency is
 * recorded.
 * <p>
 * Replaces Spring Cloud's non-retrying {@link ReactorLoadBalancerExchangeFilterFunction}; when the application sets
 * {@code spring.cloud.loadbalancer.retry.enabled=true}, Spring Cloud's own retrying filter is used instead.
 */
public class HyperlaneLoadBalancerExchangeFilterFunction extends ReactorLoadBalancerExchangeFilterFunction {

	/**
	 * Request attribute holding the {@code host:port} of instances a retry must avoid.
	 */
	public static final String EXCLUDED_INSTANCES = HyperlaneLoadBalancerExchangeFilterFunction.class.getName()
			+ ".excludedInstances";

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private static final String ACQUIRE_FAILED = "Error while acquiring from";

	private final HyperlaneLoadBalancers balancers;

	private final @Nullable RetryBudgets budgets;

	private final int maxRetries;

	private final Set<Integer> statusCodes;

	/**
	 * Create the filter.
	 * @param loadBalancerFactory Spring Cloud's load-balancer factory
	 * @param transformers Spring Cloud's request transformers
	 * @param balancers the balancers, which count the retries
	 * @param budgets the services' retry budgets, or {@code null} to bound retries by {@code maxRetries} alone
	 * @param maxRetries retries on another instance per call, 0 or more
	 * @param statusCodes status codes after which a replayable request is retried
	 */
	public HyperlaneLoadBalancerExchangeFilterFunction(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			List<LoadBalancerClientRequestTransformer> transformers, HyperlaneLoadBalancers balancers,
			@Nullable RetryBudgets budgets, int maxRetries, Set<Integer> statusCodes) {
		super(loadBalancerFactory, transformers);
		this.balancers = balancers;
		this.budgets = budgets;
		this.maxRetries = maxRetries;
		this.statusCodes = Set.copyOf(statusCodes);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		String serviceId = request.url().getHost();
		if (serviceId == null || this.maxRetries <= 0) {
			return super.filter(request, next);
		}
		return attempt(request, next, serviceId, Set.of(), 0);
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, String serviceId,
			Set<String> excluded, int retries) {
		AtomicReference<@Nullable String> instance = new AtomicReference<>();
		ExchangeFunction observed = (sent) -> {
			instance.set(address(sent.url()));
			return next.exchange(sent);
		};
		Attempt attempt = new Attempt();
		ClientRequest.Builder builder = ClientRequest.from(request).attribute(Attempt.ATTRIBUTE, attempt);
		if (!excluded.isEmpty()) {
			builder.attribute(EXCLUDED_INSTANCES, excluded);
		}
		return super.filter(builder.build(), observed)
			.doOnCancel(() -> cancelled(serviceId, attempt))
			.map(Outcome::answered)
			.onErrorResume((error) -> Mono.just(Outcome.failed(error)))
			.flatMap((outcome) -> {
				String tried = instance.get();
				boolean mayRetry = tried != null && retries < this.maxRetries;
				String exclude = (tried != null) ? tried : "";
				if (outcome.response() != null) {
					ClientResponse response = outcome.response();
					if (mayRetry && this.statusCodes.contains(response.statusCode().value()) && replayable(request)
							&& takeRetry(serviceId)) {
						return response.releaseBody()
							.then(attempt(request, next, serviceId, plus(excluded, exclude), retries + 1));
					}
					return Mono.just(response);
				}
				Throwable error = Objects.requireNonNull(outcome.error());
				if (mayRetry && (notSent(error) || (replayable(request) && closedBeforeResponse(error)))
						&& takeRetry(serviceId)) {
					return attempt(request, next, serviceId, plus(excluded, exclude), retries + 1);
				}
				return Mono.error(error);
			});
	}

	private void cancelled(String serviceId, Attempt attempt) {
		ServiceInstance instance = attempt.instance();
		if (instance != null && attempt.end()) {
			this.balancers.service(serviceId).cancelled(instance);
		}
	}

	private boolean takeRetry(String serviceId) {
		boolean allowed = (this.budgets == null) || this.budgets.tryRetry(serviceId);
		this.balancers.service(serviceId).retried(allowed);
		return allowed;
	}

	private static Set<String> plus(Set<String> excluded, String instance) {
		Set<String> more = new LinkedHashSet<>(excluded);
		more.add(instance);
		return Set.copyOf(more);
	}

	private static String address(URI url) {
		return url.getHost() + ":" + url.getPort();
	}

	static boolean replayable(ClientRequest request) {
		return IDEMPOTENT.contains(request.method()) || request.headers().containsHeader(IDEMPOTENCY_KEY);
	}

	/**
	 * Return whether a failure happened before anything was sent: the connection could not be made, or the pool
	 * had only closed connections to give.
	 * @param error the failure
	 * @return {@code true} for a refused or timed-out connect, an unreachable host or a failed acquire
	 */
	static boolean notSent(Throwable error) {
		for (Throwable cause = error; cause != null; cause = next(cause)) {
			// Netty's ConnectTimeoutException and AnnotatedConnectException are ConnectExceptions
			if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
				return true;
			}
			// Reactor Netty's pool found the connection it handed out closed, twice (an instance that stopped)
			if (cause instanceof IOException && cause.getMessage() != null
					&& cause.getMessage().startsWith(ACQUIRE_FAILED)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether a connection closed after the request may have been sent but before any response.
	 * @param error the failure
	 * @return {@code true} for a premature close or a connection reset
	 */
	static boolean closedBeforeResponse(Throwable error) {
		for (Throwable cause = error; cause != null; cause = next(cause)) {
			if (cause instanceof PrematureCloseException) {
				return true;
			}
			if (cause instanceof IOException && cause.getMessage() != null
					&& cause.getMessage().toLowerCase(Locale.ROOT).contains("connection reset")) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable cause) {
		return (cause.getCause() != cause) ? cause.getCause() : null;
	}

	private record Outcome(@Nullable ClientResponse response, @Nullable Throwable error) {

		static Outcome answered(ClientResponse response) {
			return new Outcome(response, null);
		}

		static Outcome failed(Throwable error) {
			return new Outcome(null, error);
		}

	}

}
