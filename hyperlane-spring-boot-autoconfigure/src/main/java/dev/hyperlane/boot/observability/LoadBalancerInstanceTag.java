package dev.hyperlane.boot.observability;

import java.net.URI;

import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import dev.hyperlane.boot.retry.ServiceAttempt;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Adds the load balancer's chosen instance to the observation (and so the span) of a {@code WebClient} call as the
 * <em>high-cardinality</em> key value {@value #KEY} (host:port), and the balanced service as {@value #SERVICE_KEY}.
 * High cardinality because instance addresses change with every deployment and scale-out: as a low-cardinality key
 * it would become a tag of the {@code http.client.requests} timers and multiply their series by every instance ever
 * seen, while on a span it costs one attribute. Per-instance figures for dashboards come from the bounded
 * {@code hyperlane.loadbalancer.instance.*} meters instead.
 * <p>
 * An {@link ExchangeFilterFunction} added to every {@code WebClient} after Spring Cloud's load-balancing filter (it
 * comes with the builder customizers, which run after Spring Cloud has added its filter), so it sees the request
 * rewritten to the chosen instance, while the client observation (in the Reactor context under
 * {@link ObservationThreadLocalAccessor#KEY}) still holds the request as the application wrote it. The service is
 * the one the balancer's attempt in the Reactor context names ({@link ServiceAttempt}); without one (Spring Cloud's
 * own retrying filter) the instance is recognized by the request's host:port being one a service's balancer knows,
 * looked up in each balancer's instance map without copying it.
 */
public final class LoadBalancerInstanceTag implements ExchangeFilterFunction {

	/** The key of the chosen instance. */
	public static final String KEY = "hyperlane.loadbalancer.instance";

	/** The key of the balanced service. */
	public static final String SERVICE_KEY = "hyperlane.loadbalancer.service";

	private final HyperlaneLoadBalancers balancers;

	/**
	 * Create the filter.
	 * @param balancers the balancers whose instances are recognized
	 */
	public LoadBalancerInstanceTag(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		URI url = request.url();
		if (url.getHost() == null) {
			return next.exchange(request);
		}
		return Mono.deferContextual((context) -> {
			Object current = context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
			if (current instanceof Observation observation) {
				String instance = url.getHost() + ":" + url.getPort();
				ServiceAttempt attempt = ServiceAttempt.from(context);
				@Nullable String service = (attempt != null) ? attempt.serviceId() : this.balancers.serviceOf(instance);
				if (service != null && (attempt == null || this.balancers.knows(service, instance))) {
					observation.highCardinalityKeyValue(KeyValue.of(KEY, instance));
					observation.highCardinalityKeyValue(KeyValue.of(SERVICE_KEY, service));
				}
			}
			return next.exchange(request);
		});
	}

}
