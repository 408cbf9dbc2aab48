package dev.hyperlane.boot.actuate;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webflux.actuate.endpoint.web.AdditionalHealthEndpointPathsWebFluxHandlerMapping;
import org.springframework.core.Ordered;

/**
 * Orders Spring Boot's mapping of the health groups' additional paths on the application's port
 * ({@link AdditionalHealthEndpointPathsWebFluxHandlerMapping}, {@code management.endpoint.health.group.*.additional-path}
 * with the {@code server:} prefix) last among the handler mappings when no group has such a path, so that it
 * answers no request with nothing to answer. Boot declares the mapping whenever the health endpoint is exposed, before
 * the application's mappings (order -100), and WebFlux's lookup around an empty mapping still costs operators and an
 * empty registration search on every request: about 0.5 KB allocated per request of a plaintext handler
 * (benchmarks/README.md, 2026-12-05 15:00 profile). The {@code DispatcherHandler} stops at the first mapping with a
 * handler, so a mapping ordered last is asked only for requests no other mapping answers, and an empty one answers
 * none of them either. A mapping with an additional path keeps its order.
 */
final class EmptyHealthPathsMappingLast implements BeanPostProcessor {

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof AdditionalHealthEndpointPathsWebFluxHandlerMapping mapping
				&& mapping.getHandlerMethods().isEmpty()) {
			mapping.setOrder(Ordered.LOWEST_PRECEDENCE);
		}
		return bean;
	}

}
