package dev.hyperlane.boot.loadbalancer;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultResponse;
import org.springframework.cloud.client.loadbalancer.EmptyResponse;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.RequestDataContext;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.NoopServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.SelectedInstanceCallback;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * Spring Cloud LoadBalancer's {@link ReactorServiceInstanceLoadBalancer} for one service, choosing with the
 * service's {@link ServiceBalancer} among the instances its {@link ServiceInstanceListSupplier} lists (discovery
 * client, caching, health checks and zone preference stay Spring Cloud's). A retry's request carries the instances
 * already tried ({@link HyperlaneLoadBalancerExchangeFilterFunction#EXCLUDED_INSTANCES}), which are left out. At
 * most once a second the supplier's whole list is compared with the states kept
 * ({@link ServiceBalancer#retainListed}), so instances that left are released and new ones start their slow start
 * as soon as they are listed. The chosen instance carries the requested service id even when its discovery client
 * names it otherwise (Eureka: the application name in upper case), named once per listing by
 * {@link ServiceInstances}; the supplier's {@link SelectedInstanceCallback} is told the instance as listed.
 */
public final class HyperlaneLoadBalancer implements ReactorServiceInstanceLoadBalancer {

	private final ObjectProvider<ServiceInstanceListSupplier> suppliers;

	private final ServiceBalancer balancer;

	/**
	 * Create a balancer.
	 * @param suppliers the service's instance list supplier
	 * @param balancer the service's balancer
	 */
	public HyperlaneLoadBalancer(ObjectProvider<ServiceInstanceListSupplier> suppliers, ServiceBalancer balancer) {
		this.suppliers = suppliers;
		this.balancer = balancer;
	}

	@SuppressWarnings({ "rawtypes", "unchecked" })
	private static Set<String> excluded(Request request) {
		if (request.getContext() instanceof RequestDataContext context && context.getClientRequest() != null
				&& context.getClientRequest().getAttributes() != null
				&& context.getClientRequest().getAttributes()
					.get(HyperlaneLoadBalancerExchangeFilterFunction.EXCLUDED_INSTANCES) instanceof Set set) {
			return (Set<String>) set;
		}
		return Set.of();
	}

	@Override
	@SuppressWarnings("rawtypes")
	public Mono<Response<ServiceInstance>> choose(Request request) {
		ServiceInstanceListSupplier supplier = this.suppliers.getIfAvailable(NoopServiceInstanceListSupplier::new);
		Set<String> excluded = excluded(request);
		if (this.balancer.membershipDue()) {
			// the whole list, without the filters of one request (hints, sticky sessions), which may leave out
			// instances that are still there
			supplier.get().next().subscribe(this.balancer::retainListed, (error) -> {
			});
		}
		return supplier.get(request).next().map((instances) -> {
			InstanceState chosen = this.balancer.chooseState(instances, excluded);
			ServiceInstance discovered = (chosen != null) ? chosen.discovered() : null;
			ServiceInstance requested = (chosen != null) ? chosen.requested() : null;
			if (discovered == null || requested == null) {
				return new EmptyResponse();
			}
			if (supplier instanceof SelectedInstanceCallback callback) {
				callback.selectedServiceInstance(discovered);
			}
			// named as requested: the lifecycle, the meters and the HTTP client key their state by this id
			return new DefaultResponse(requested);
		});
	}

}
