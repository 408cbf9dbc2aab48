package dev.hyperlane.boot.loadbalancer;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;

/**
 * A Spring Cloud {@link LoadBalancerLifecycle} for choices of a {@link ServiceInstance}, whatever the request and
 * response types, with nothing to do before a choice or, unless overridden, at completion. Implemented by the
 * lifecycle that feeds the balancers and by the meters that bind each chosen instance.
 */
public interface InstanceLifecycle extends LoadBalancerLifecycle<Object, Object, ServiceInstance> {

	@Override
	@SuppressWarnings("rawtypes") // Spring Cloud's signature
	default boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
		return ServiceInstance.class.isAssignableFrom(serverTypeClass);
	}

	@Override
	default void onStart(Request<Object> request) {
	}

	@Override
	default void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
	}

}
