package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;

/**
 * Spring Cloud LoadBalancer's factory as the exchange filter sees it, with the two look-ups
 * {@link ReactorLoadBalancerExchangeFilterFunction} makes on every call kept per service once made: the service's
 * balancer and its {@link LoadBalancerLifecycle} beans. Both are singletons of the service's child context, which
 * lives as long as the application, and the factory otherwise finds them again with a bean-factory search (by
 * type, through the context and its parents) per call; a profile of benchmark S4 (the {@code @LoadBalanced}
 * fan-out at 256 connections) counted about 0.6 KB allocated per call for the lifecycle search alone. Nothing is
 * kept for a balancer until a look-up found one. The
 * properties and every other look-up go to the factory as they are, so a refreshed configuration is still read.
 * Thread-safe.
 */
final class CachedLoadBalancerFactory implements ReactiveLoadBalancer.Factory<ServiceInstance> {

	private final ReactiveLoadBalancer.Factory<ServiceInstance> factory;

	private final Map<String, ReactiveLoadBalancer<ServiceInstance>> balancers = new ConcurrentHashMap<>();

	private final Map<String, Map<String, LoadBalancerLifecycle>> lifecycles = new ConcurrentHashMap<>();

	/**
	 * Wrap a factory.
	 * @param factory Spring Cloud's factory (its {@code LoadBalancerClientFactory})
	 */
	CachedLoadBalancerFactory(ReactiveLoadBalancer.Factory<ServiceInstance> factory) {
		this.factory = factory;
	}

	@Override
	public @Nullable ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
		ReactiveLoadBalancer<ServiceInstance> balancer = this.balancers.get(serviceId);
		if (balancer == null) {
			balancer = this.factory.getInstance(serviceId);
			if (balancer != null) {
				this.balancers.putIfAbsent(serviceId, balancer);
			}
		}
		return balancer;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <X> Map<String, X> getInstances(String name, Class<X> type) {
		if (type != LoadBalancerLifecycle.class) {
			return this.factory.getInstances(name, type);
		}
		Map<String, LoadBalancerLifecycle> found = this.lifecycles.get(name);
		if (found == null) {
			// null when the context has none: the same answer every time, kept as an empty map
			Map<String, LoadBalancerLifecycle> instances = this.factory.getInstances(name,
					LoadBalancerLifecycle.class);
			found = (instances != null) ? Map.copyOf(instances) : Map.of();
			this.lifecycles.putIfAbsent(name, found);
		}
		return (Map<String, X>) found;
	}

	@Override
	public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
		return this.factory.getInstance(name, clazz, generics);
	}

	@Override
	public LoadBalancerProperties getProperties(String serviceId) {
		return this.factory.getProperties(serviceId);
	}

}
