package dev.hyperlane.boot.loadbalancer;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.retry.RetryPolicies;
import dev.hyperlane.boot.retry.RetryPolicy;
import dev.hyperlane.boot.retry.ServiceAttempt;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
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
 * <li>it could not connect (connection refused, connect timeout, no route) or failed before the HTTP client wrote
 * it (the pool handed out only closed connections after Reactor Netty's own re-acquire): nothing was sent, so any
 * method is safe;</li>
 * <li>it is safe to replay (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or an {@code Idempotency-Key} header) and the
 * connection closed before any response (after the HTTP client's own retry on a fresh connection to the same
 * instance), or it was answered with one of {@code hyperlane.loadbalancer.retry.status-codes} (500, 502, 503,
 * 504 by default); the last answer is returned as it is when no retry is left.</li>
 * </ul>
 * Timeouts are not retried (a retry would double the load on a slow service). The decisions are the service's
 * {@link RetryPolicy} (the one the HTTP client retries with, from {@link RetryPolicies}): failures are classified
 * by exception type, and a failure the HTTP client reports as never written counts as not sent whatever its type;
 * each retry takes one from the service's retry budget, shared with the HTTP client's retries; at most
 * {@code max-retries} per call. A POST without an {@code Idempotency-Key} that may have reached an instance is
 * never sent again. No retry starts once the request's {@link Deadline} (in the Reactor context) has passed.
 * <p>
 * Each attempt carries a {@link ServiceAttempt} in the Reactor context, so the HTTP client runs it on the called
 * service's connection pool and settings although the URL now names an instance's address.
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

	private final HyperlaneLoadBalancers balancers;

	private final RetryPolicies policies;

	private final int maxRetries;

	private final Set<Integer> statusCodes;

	/**
	 * Create the filter.
	 * @param loadBalancerFactory Spring Cloud's load-balancer factory
	 * @param transformers Spring Cloud's request transformers
	 * @param balancers the balancers, which count the retries
	 * @param policies the services' retry policies (with their budgets)
	 * @param maxRetries retries on another instance per call, 0 or more
	 * @param statusCodes status codes after which a replayable request is retried
	 */
	public HyperlaneLoadBalancerExchangeFilterFunction(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			List<LoadBalancerClientRequestTransformer> transformers, HyperlaneLoadBalancers balancers,
			RetryPolicies policies, int maxRetries, Set<Integer> statusCodes) {
		super(loadBalancerFactory, transformers);
		this.balancers = balancers;
		this.policies = policies;
		this.maxRetries = maxRetries;
		this.statusCodes = Set.copyOf(statusCodes);
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		String serviceId = request.url().getHost();
		if (serviceId == null) {
			return super.filter(request, next);
		}
		return call(request, next, serviceId, policy(serviceId), Set.of(), false, null);
	}

	/**
	 * Return the retry policy of a service, on its retry budget.
	 * @param serviceId the service id
	 * @return the policy
	 */
	protected final RetryPolicy policy(String serviceId) {
		return this.policies.forService(serviceId);
	}

	/**
	 * Run one copy of a call, with its retries on other instances.
	 * @param request the request
	 * @param next the rest of the chain
	 * @param serviceId the service id
	 * @param policy the service's retry policy
	 * @param excluded the {@code host:port} of instances to leave out (unless no other is listed)
	 * @param repeat whether the call was already recorded in the retry budget by another copy (a hedge)
	 * @param chosen told the {@code host:port} of every instance this copy is sent to, or {@code null}
	 * @return the response
	 */
	protected final Mono<ClientResponse> call(ClientRequest request, ExchangeFunction next, String serviceId,
			RetryPolicy policy, Set<String> excluded, boolean repeat, @Nullable Consumer<String> chosen) {
		return attempt(request, next, serviceId, policy, excluded, 0, repeat, chosen);
	}

	private Mono<ClientResponse> attempt(ClientRequest request, ExchangeFunction next, String serviceId,
			RetryPolicy policy, Set<String> excluded, int retries, boolean repeat, @Nullable Consumer<String> chosen) {
		Attempt sent = new Attempt(serviceId, repeat || retries > 0, this.balancers, next, chosen);
		// the first attempt carries its attempt in a view of the request; a retry (rare) copies it with both
		ClientRequest attemptRequest = excluded.isEmpty() ? new AttemptRequest(request, sent)
				: ClientRequest.from(request)
					.attribute(Attempt.ATTRIBUTE, sent)
					.attribute(EXCLUDED_INSTANCES, excluded)
					.build();
		Mono<ClientResponse> exchange = super.filter(attemptRequest, sent)
			.contextWrite(sent.into())
			.doOnCancel(sent);
		if (retries >= this.maxRetries) {
			// no retry left: no retry operators
			return exchange;
		}
		boolean replayable = RetryPolicy.isReplayable(request.method(), request.headers());
		if (replayable && !this.statusCodes.isEmpty()) {
			exchange = exchange.flatMap((response) -> (sent.tried != null
					&& this.statusCodes.contains(response.statusCode().value()))
							? next(request, next, serviceId, policy, excluded, retries, repeat, chosen, sent, response,
									null)
							: Mono.just(response));
		}
		return exchange.onErrorResume((error) -> (sent.retrying || sent.tried == null
				|| !RetryPolicy.isSafeOnNextInstance(RetryPolicy.classify(error, sent.written()), replayable))
						? Mono.error(error)
						: next(request, next, serviceId, policy, excluded, retries, repeat, chosen, sent, null, error));
	}

	/**
	 * Send the call to another instance after an attempt that may be retried, unless the caller's deadline has
	 * passed or the retry budget cannot afford it; then the attempt's answer or failure stands.
	 */
	private Mono<ClientResponse> next(ClientRequest request, ExchangeFunction next, String serviceId,
			RetryPolicy policy, Set<String> excluded, int retries, boolean repeat, @Nullable Consumer<String> chosen,
			Attempt sent, @Nullable ClientResponse response, @Nullable Throwable error) {
		return Mono.deferContextual((context) -> {
			Deadline deadline = Deadline.of(context);
			// no retry once the caller has stopped waiting, nor one the budget cannot afford
			if ((deadline != null && deadline.expired()) || !takeRetry(serviceId, policy)) {
				return (response != null) ? Mono.just(response) : Mono.error(Objects.requireNonNull(error));
			}
			sent.retrying = true;
			Mono<ClientResponse> again = attempt(request, next, serviceId, policy,
					plus(excluded, Objects.requireNonNull(sent.tried)), retries + 1, repeat, chosen);
			return (response != null) ? response.releaseBody().then(again) : again;
		});
	}

	private boolean takeRetry(String serviceId, RetryPolicy policy) {
		boolean allowed = policy.tryAcquire();
		this.balancers.service(serviceId).retried(allowed);
		return allowed;
	}

	private static Set<String> plus(Set<String> excluded, String instance) {
		Set<String> more = new LinkedHashSet<>(excluded);
		more.add(instance);
		return Set.copyOf(more);
	}

}
