package dev.hyperlane.boot.actuate;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.webflux.actuate.endpoint.web.ControllerEndpointHandlerMapping;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Boot's {@link ControllerEndpointHandlerMapping} (the {@code @ControllerEndpoint} and
 * {@code @RestControllerEndpoint} endpoints, deprecated in Boot) with the check of {@link BasePathEndpointHandlerMapping}
 * in front: a request outside the actuator's base path gets "no handler" at once, as an empty {@code Mono} that the
 * {@code DispatcherHandler} passes over. Boot declares this mapping on the application's port whether or not an
 * application has such endpoints (most have none), before the application's own mappings (order -100), and for every
 * request WebFlux's lookup around it costs operators and an empty registration search (benchmarks/README.md,
 * 2026-12-05 15:10 entry). With no endpoint the mapping answers no request, whatever the base path.
 * <p>
 * The check is on when it cannot change an answer: no endpoint, or a non-empty base path below which every registered
 * pattern lies. Endpoints, access, CORS are Boot's own: the constructor takes what Boot's constructor takes.
 */
@SuppressWarnings("removal")
final class BasePathControllerEndpointHandlerMapping extends ControllerEndpointHandlerMapping {

	private final BasePath basePath;

	private volatile boolean empty;

	private volatile boolean checked;

	/**
	 * Create the mapping with the arguments of {@link ControllerEndpointHandlerMapping}'s constructor.
	 * @param endpointMapping the base mapping for all endpoints (the actuator's base path)
	 * @param endpoints the controller endpoints
	 * @param corsConfiguration the CORS configuration for the endpoints, {@code null} for none
	 * @param accessResolver resolver of each endpoint's access
	 */
	BasePathControllerEndpointHandlerMapping(EndpointMapping endpointMapping,
			Collection<org.springframework.boot.actuate.endpoint.web.annotation.ExposableControllerEndpoint> endpoints, @Nullable CorsConfiguration corsConfiguration,
			EndpointAccessResolver accessResolver) {
		super(endpointMapping, endpoints, corsConfiguration, accessResolver);
		this.basePath = new BasePath(endpointMapping.getPath());
	}

	@Override
	public void afterPropertiesSet() {
		super.afterPropertiesSet();
		this.empty = getHandlerMethods().isEmpty();
		this.checked = this.basePath.covers(getHandlerMethods().keySet());
	}

	/**
	 * Return whether every request skips the mapping: true once initialized when no endpoint is registered.
	 * @return whether the mapping answers no request
	 */
	boolean isEmpty() {
		return this.empty;
	}

	@Override
	public Mono<Object> getHandler(ServerWebExchange exchange) {
		if (this.empty || (this.checked && !this.basePath.contains(exchange))) {
			return Mono.empty();
		}
		return super.getHandler(exchange);
	}

}
