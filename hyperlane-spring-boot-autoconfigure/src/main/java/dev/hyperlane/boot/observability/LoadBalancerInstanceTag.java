package dev.hyperlane.boot.observability;

import java.net.URI;

import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientRequestObservationContext;

/**
 * Adds the load balancer's chosen instance to the span of a {@code WebClient} call as the
 * <em>high-cardinality</em> key value {@value #KEY} (host:port) and the balanced service as
 * {@value #SERVICE_KEY}. High cardinality because instance addresses change with every deployment and scale-out:
 * as a low-cardinality key it would become a tag of the {@code http.client.requests} timers and multiply their
 * series by the instances ever seen, while on a span it costs one attribute. Per-instance figures for dashboards
 * come from the bounded {@code hyperlane.loadbalancer.instance.*} meters instead. The instance is recognized by
 * the final request's host:port being one the balancer of the service knows.
 */
public final class LoadBalancerInstanceTag implements ObservationFilter {

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
	public Observation.Context map(Observation.Context context) {
		if (!(context instanceof ClientRequestObservationContext clientContext)) {
			return context;
		}
		ClientRequest request = clientContext.getRequest();
		if (request == null) {
			return context;
		}
		URI url = request.url();
		if (url.getHost() == null) {
			return context;
		}
		String instance = url.getHost() + ":" + url.getPort();
		this.balancers.services().forEach((service, balancer) -> {
			if (balancer.instances().containsKey(instance)) {
				context.addHighCardinalityKeyValue(KeyValue.of(KEY, instance));
				context.addHighCardinalityKeyValue(KeyValue.of(SERVICE_KEY, service));
			}
		});
		return context;
	}

}
