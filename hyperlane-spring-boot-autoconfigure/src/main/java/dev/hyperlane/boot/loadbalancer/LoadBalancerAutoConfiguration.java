package dev.hyperlane.boot.loadbalancer;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.InstanceMembership;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.cloud.loadbalancer.annotation.LoadBalancerClients;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Puts Hyperlane's balancing (peak EWMA with power of two choices by default, outlier ejection, slow start) into
 * Spring Cloud LoadBalancer for every {@code @LoadBalanced} client, through a default client configuration and a
 * lifecycle that feeds it. Backs off without Spring Cloud LoadBalancer, with {@code hyperlane.enabled=false} or
 * {@code hyperlane.loadbalancer.enabled=false}.
 */
@AutoConfiguration(
		beforeName = "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration")
@ConditionalOnClass(ReactorServiceInstanceLoadBalancer.class)
@ConditionalOnHyperlane("loadbalancer")
@EnableConfigurationProperties(HyperlaneLoadBalancerProperties.class)
@LoadBalancerClients(defaultConfiguration = HyperlaneLoadBalancerClientConfiguration.class)
public final class LoadBalancerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HyperlaneLoadBalancers hyperlaneLoadBalancers(HyperlaneLoadBalancerProperties properties,
			Environment environment, ObjectProvider<InstanceMembership> members) {
		LoadBalancerSettings settings = LoadBalancerSettings.resolve(properties, new ExplicitProperties(environment));
		// looked up at each change of a list: the meters that follow it depend on the balancers themselves
		return new HyperlaneLoadBalancers(settings, new InstanceMembership() {

			@Override
			public void arrived(String serviceId, String host, int port) {
				members.orderedStream().forEach((member) -> member.arrived(serviceId, host, port));
			}

			@Override
			public void departed(String serviceId, String host, int port) {
				members.orderedStream().forEach((member) -> member.departed(serviceId, host, port));
			}

		});
	}

	@Bean
	@ConditionalOnMissingBean
	HyperlaneLoadBalancerLifecycle hyperlaneLoadBalancerLifecycle(HyperlaneLoadBalancers balancers) {
		return new HyperlaneLoadBalancerLifecycle(balancers);
	}

	@Bean
	@ConditionalOnMissingBean
	LoadBalancerSection hyperlaneLoadBalancerSection(HyperlaneLoadBalancers balancers) {
		return new LoadBalancerSection(balancers);
	}

}
