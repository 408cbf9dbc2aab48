package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.ServiceAddresses;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpStatusCode;

/**
 * Feeds each {@link ServiceBalancer} with what happened to the requests it routed, through Spring Cloud
 * LoadBalancer's lifecycle callbacks: a request in flight from the choice to its completion, its duration, and
 * whether it failed (an error, a 5xx, a 429 or 503; a {@code Retry-After} longer than the failure penalty counts
 * as that latency).
 */
public final class HyperlaneLoadBalancerLifecycle implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	private final HyperlaneLoadBalancers balancers;

	private final List<ServiceAddresses> addresses;

	private final Map<Object, Long> started = Collections.synchronizedMap(new IdentityHashMap<>());

	/**
	 * Create the lifecycle.
	 * @param balancers the balancers to feed
	 * @param addresses where chosen instance addresses are registered with their service (the HTTP client)
	 */
	public HyperlaneLoadBalancerLifecycle(HyperlaneLoadBalancers balancers, List<ServiceAddresses> addresses) {
		this.balancers = balancers;
		this.addresses = List.copyOf(addresses);
	}

	@Override
	public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	public void onStart(Request<Object> request) {
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		ServiceInstance instance = lbResponse.getServer();
		if (instance == null) {
			return;
		}
		this.started.put(request, System.nanoTime());
		for (ServiceAddresses registry : this.addresses) {
			registry.register(instance.getHost(), instance.getPort(), instance.getServiceId());
		}
		this.balancers.service(instance.getServiceId()).started(instance);
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
		Long start = this.started.remove(completion.getLoadBalancerRequest());
		Response<ServiceInstance> lbResponse = completion.getLoadBalancerResponse();
		ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
		if (start == null || instance == null) {
			return;
		}
		long elapsed = System.nanoTime() - start;
		Duration penalty = this.balancers.properties().getFailurePenalty();
		boolean failed = completion.status() == CompletionContext.Status.FAILED;
		if (completion.getClientResponse() instanceof ResponseData response) {
			HttpStatusCode status = response.getHttpStatus();
			if (status != null && (status.is5xxServerError() || status.value() == 429)) {
				failed = true;
				penalty = longer(penalty, response.getHeaders().getFirst("Retry-After"));
			}
		}
		this.balancers.service(instance.getServiceId()).finished(instance, elapsed, failed, penalty);
	}

	private static Duration longer(Duration penalty, String retryAfter) {
		if (retryAfter == null) {
			return penalty;
		}
		try {
			Duration advertised = Duration.ofSeconds(Long.parseLong(retryAfter.trim()));
			return (advertised.compareTo(penalty) > 0) ? advertised : penalty;
		}
		catch (NumberFormatException ex) {
			return penalty;
		}
	}

}
