package dev.hyperlane.boot.actuate;

import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.webflux.actuate.endpoint.web.AdditionalHealthEndpointPathsWebFluxHandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Boot's mapping of the health groups' additional paths on the application's port
 * ({@code management.endpoint.health.group.<name>.additional-path=server:/...}) when no group has such a path: it
 * answers no request, at once, with the empty {@code Mono} that the {@code DispatcherHandler} passes over.
 * <p>
 * Boot declares {@link AdditionalHealthEndpointPathsWebFluxHandlerMapping} whenever the health endpoint is exposed
 * (by default), without {@code @ConditionalOnMissingBean}, before the application's mappings (order -100). With no
 * additional path it has no registration, yet WebFlux's lookup around it runs on every request of the application:
 * operators, an empty registration search (benchmarks/README.md, 2026-12-05 18:40 entry). {@link #replacing()}
 * swaps Boot's bean for this one when, initialized, it has no registration; a mapping with an additional path is
 * kept as Boot made it.
 */
final class NoHealthPathsHandlerMapping extends AdditionalHealthEndpointPathsWebFluxHandlerMapping {

	/**
	 * Create the mapping, at the order of the mapping it stands for.
	 * @param order that mapping's order
	 */
	NoHealthPathsHandlerMapping(int order) {
		super(new EndpointMapping(""), null, Set.of());
		setOrder(order);
	}

	@Override
	public Mono<Object> getHandler(ServerWebExchange exchange) {
		return Mono.empty();
	}

	/**
	 * Return the post-processor that puts this mapping in place of Boot's when that has no registration.
	 * @return the post-processor
	 */
	static BeanPostProcessor replacing() {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) {
				if (bean.getClass() == AdditionalHealthEndpointPathsWebFluxHandlerMapping.class
						&& ((AdditionalHealthEndpointPathsWebFluxHandlerMapping) bean).getHandlerMethods().isEmpty()) {
					return new NoHealthPathsHandlerMapping(
							((AdditionalHealthEndpointPathsWebFluxHandlerMapping) bean).getOrder());
				}
				return bean;
			}

		};
	}

}
