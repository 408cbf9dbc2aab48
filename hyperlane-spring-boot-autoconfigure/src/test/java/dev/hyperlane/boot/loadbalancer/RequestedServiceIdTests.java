package dev.hyperlane.boot.loadbalancer;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.testsupport.BoundProperties;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A discovery client that names instances otherwise than the requested service (Eureka: {@code PAYMENTS}, the
 * application name in upper case, for {@code http://payments/...}): the chosen instance carries the requested id,
 * so the lifecycle, the meters and the HTTP client keep their state under the one name the choice reads.
 */
class RequestedServiceIdTests {

	@Test
	void chosenInstanceCarriesTheRequestedServiceIdAndEverythingElseAsDiscovered() {
		ServiceInstance discovered = new DefaultServiceInstance("payments:10.0.0.7:8081", "PAYMENTS", "10.0.0.7", 8081,
				false, Map.of("weight", "2"));
		HyperlaneLoadBalancers balancers = balancers();
		HyperlaneLoadBalancer balancer = balancer(balancers, discovered);

		Response<ServiceInstance> response = balancer.choose(new DefaultRequest<>()).block();

		ServiceInstance chosen = response.getServer();
		assertThat(chosen.getServiceId()).isEqualTo("payments");
		assertThat(chosen.getInstanceId()).isEqualTo("payments:10.0.0.7:8081");
		assertThat(chosen.getHost()).isEqualTo("10.0.0.7");
		assertThat(chosen.getPort()).isEqualTo(8081);
		assertThat(chosen.getUri()).isEqualTo(discovered.getUri());
		assertThat(chosen.getMetadata()).containsEntry("weight", "2");
		assertThat(balancers.service(chosen.getServiceId())).isSameAs(balancers.service("payments"));
		assertThat(balancers.services()).containsOnlyKeys("payments");
		// named once per listing, not per call
		assertThat(balancer.choose(new DefaultRequest<>()).block().getServer()).isSameAs(chosen);
	}

	@Test
	void anInstanceAlreadyNamedAsRequestedIsReturnedAsItIs() {
		ServiceInstance discovered = new DefaultServiceInstance("a", "payments", "10.0.0.8", 8081, false);
		HyperlaneLoadBalancer balancer = balancer(balancers(), discovered);

		assertThat(balancer.choose(new DefaultRequest<>()).block().getServer()).isSameAs(discovered);
	}

	private static HyperlaneLoadBalancers balancers() {
		return new HyperlaneLoadBalancers(LoadBalancerSettings
			.of(BoundProperties.bind(LoadBalancerSettings.PREFIX, HyperlaneLoadBalancerProperties.class)));
	}

	private static HyperlaneLoadBalancer balancer(HyperlaneLoadBalancers balancers, ServiceInstance discovered) {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("supplier", new FixedSupplier("payments", List.of(discovered)));
		return new HyperlaneLoadBalancer(beans.getBeanProvider(ServiceInstanceListSupplier.class),
				balancers.service("payments"));
	}

	private record FixedSupplier(String serviceId, List<ServiceInstance> instances)
			implements ServiceInstanceListSupplier {

		@Override
		public String getServiceId() {
			return this.serviceId;
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return Flux.just(this.instances);
		}

	}

}
