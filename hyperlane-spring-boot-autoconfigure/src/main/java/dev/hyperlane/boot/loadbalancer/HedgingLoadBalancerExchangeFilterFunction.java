package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.retry.RetryPolicies;
import dev.hyperlane.boot.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * {@link HyperlaneLoadBalancerExchangeFilterFunction} with hedged requests (Dean and Barroso, "The Tail at Scale",
 * 2013; Finagle's and Envoy's hedging): a replayable call ({@link RetryPolicy#isReplayable}) to a service with
 * hedging on that has not answered after the service's delay ({@link ServiceHedging}: fixed, or the 95th
 * percentile of its recent attempts from the balancer's latency data) is sent once more, as a second load-balanced
 * exchange that leaves out every instance the first copy was sent to (unless the service lists no other). The
 * first answer wins and the other exchange is cancelled (its connection is closed, and the balancer counts it as
 * cancelled). A hedge is taken from the service's retry budget ({@link RetryPolicy#tryHedge(double)}, shared with
 * the retries) and sent only while it allows one, never after the request's {@link Deadline}, and never once the
 * first attempt has failed (that is the retry's job). The call is recorded in the budget once, whichever copies
 * run. Each copy keeps its own retry on another instance.
 */
public class HedgingLoadBalancerExchangeFilterFunction extends HyperlaneLoadBalancerExchangeFilterFunction {

	private final Hedges hedges;

	/**
	 * Create the filter.
	 * @param loadBalancerFactory Spring Cloud's load-balancer factory
	 * @param transformers Spring Cloud's request transformers
	 * @param balancers the balancers
	 * @param policies the services' retry policies
	 * @param maxRetries retries on another instance per call
	 * @param statusCodes status codes after which a replayable request is retried
	 * @param hedges the services' hedging
	 */
	public HedgingLoadBalancerExchangeFilterFunction(ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			List<LoadBalancerClientRequestTransformer> transformers, HyperlaneLoadBalancers balancers,
			RetryPolicies policies, int maxRetries, Set<Integer> statusCodes, Hedges hedges) {
		super(loadBalancerFactory, transformers, balancers, policies, maxRetries, statusCodes);
		this.hedges = hedges;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		String serviceId = request.url().getHost();
		ServiceHedging hedging = (serviceId != null) ? this.hedges.service(serviceId) : null;
		if (hedging == null || !RetryPolicy.isReplayable(request.method(), request.headers())) {
			return super.filter(request, next);
		}
		RetryPolicy policy = policy(serviceId);
		long delay = hedging.delayNanos();
		AtomicBoolean answered = new AtomicBoolean();
		AtomicBoolean primaryFailed = new AtomicBoolean();
		AtomicReference<@Nullable Throwable> primaryError = new AtomicReference<>();
		Set<String> primaryInstances = ConcurrentHashMap.newKeySet();
		Mono<ClientResponse> primary = call(request, next, serviceId, policy, Set.of(), false, primaryInstances::add)
			.doOnError((error) -> {
				primaryError.set(error);
				primaryFailed.set(true);
			})
			.flatMap((response) -> winner(response, answered, null));
		if (delay < 0) {
			return primary;
		}
		Mono<ClientResponse> hedge = Mono.delay(Duration.ofNanos(delay))
			.flatMap((tick) -> Mono.deferContextual((context) -> {
				Deadline deadline = Deadline.of(context);
				if (answered.get() || primaryFailed.get() || (deadline != null && deadline.expired())
						|| !hedging.tryHedge(policy)) {
					return Mono.<ClientResponse>empty();
				}
				return call(request, next, serviceId, policy, Set.copyOf(primaryInstances), true, null)
					.flatMap((response) -> winner(response, answered, hedging));
			}));
		return Mono.firstWithValue(primary, hedge).onErrorMap((error) -> {
			Throwable first = primaryError.get();
			return (first != null) ? first : error;
		});
	}

	/**
	 * Keep the first answer; release the body of a later one that slipped in before it was cancelled.
	 */
	private static Mono<ClientResponse> winner(ClientResponse response, AtomicBoolean answered,
			@Nullable ServiceHedging hedge) {
		if (answered.compareAndSet(false, true)) {
			if (hedge != null) {
				hedge.counts().increment(ServiceHedging.Count.HEDGES_WON);
			}
			return Mono.just(response);
		}
		return response.releaseBody().then(Mono.empty());
	}

}
