package dev.hyperlane.boot.loadbalancer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Configuration of every Spring Cloud LoadBalancer client context (registered as the default configuration): a
 * {@link HyperlaneLoadBalancer} for the context's service. A balancer the application configures for a service
 * with {@code @LoadBalancerClient(configuration = ...)} wins.
 */
@Configuration(proxyBeanMethods = false)
public class HyperlaneLoadBalancerClientConfiguration {

	@Bean
	@ConditionalOnMissingBean(ReactorLoadBalancer.class)
	ReactorLoadBalancer<ServiceInstance> hyperlaneReactorLoadBalancer(Environment environment,
			LoadBalancerClientFactory clients, HyperlaneLoadBalancers balancers) {
		String serviceId = environment.getProperty(LoadBalancerClientFactory.PROPERTY_NAME, "default");
		ObjectProvider<ServiceInstanceListSupplier> suppliers = clients.getLazyProvider(serviceId,
				ServiceInstanceListSupplier.class);
		return new HyperlaneLoadBalancer(suppliers, balancers.service(serviceId));
	}

}
