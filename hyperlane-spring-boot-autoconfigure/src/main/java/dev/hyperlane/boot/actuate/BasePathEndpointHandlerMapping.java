package dev.hyperlane.boot.actuate;

import java.util.Collection;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Boot's {@link WebFluxEndpointHandlerMapping} with one check in front: a request whose path (within the
 * application) does not begin with the actuator's base path ({@code management.endpoints.web.base-path}, by default
 * {@code /actuator}) is answered "no handler" at once, without testing each endpoint's registration.
 * <p>
 * Boot's mapping sits before the application's mappings (order -100) and, for a path that is none of its own, tests
 * every registration's method, produces (parsing the {@code Accept} header) and path conditions: about 1.9 KB allocated
 * per request of a plaintext handler (benchmarks/README.md, 2026-12-05 profile). The check compares the request's
 * leading path segments with the base path's and allocates nothing. It is made in
 * {@link #getHandler}, ahead of the operators WebFlux's {@code AbstractHandlerMapping} puts around every lookup (API
 * version, CORS), so that a request outside the base path gets the empty {@code Mono} itself, which the
 * {@code DispatcherHandler} passes over without subscribing to it. CORS, pre-flight requests included, is Boot's for
 * every path below the base path.
 * <p>
 * The check is on only when it cannot change an answer: the base path is not empty (it is empty when set to
 * {@code /}, or on a management port with {@code management.server.base-path} only) and every registered pattern
 * starts with the base path as whole segments; otherwise every request goes to Boot's matching as without the starter.
 * Endpoints, links, CORS and exposure are Boot's own: the constructor takes what Boot's constructor takes.
 */
public class BasePathEndpointHandlerMapping extends WebFluxEndpointHandlerMapping {

	private final BasePath basePath;

	private volatile boolean checked;

	/**
	 * Create the mapping with the arguments of {@link WebFluxEndpointHandlerMapping}'s constructor.
	 * @param endpointMapping the base mapping for all endpoints (the actuator's base path)
	 * @param endpoints the web endpoints
	 * @param endpointMediaTypes media types consumed and produced by the endpoints
	 * @param corsConfiguration the CORS configuration for the endpoints, {@code null} for none
	 * @param linksResolver resolver of the links the base path lists
	 * @param shouldRegisterLinksMapping whether the base path answers with the links
	 */
	public BasePathEndpointHandlerMapping(EndpointMapping endpointMapping, Collection<ExposableWebEndpoint> endpoints,
			EndpointMediaTypes endpointMediaTypes, @Nullable CorsConfiguration corsConfiguration,
			EndpointLinksResolver linksResolver, boolean shouldRegisterLinksMapping) {
		super(endpointMapping, endpoints, endpointMediaTypes, corsConfiguration, linksResolver,
				shouldRegisterLinksMapping);
		this.basePath = new BasePath(endpointMapping.getPath());
	}

	@Override
	public void afterPropertiesSet() {
		super.afterPropertiesSet();
		this.checked = this.basePath.covers(getHandlerMethods().keySet());
	}

	/**
	 * Whether requests outside the base path skip the endpoint matching: true once initialized when the base path is
	 * not empty and every registered pattern lies below it.
	 * @return whether the check is on
	 */
	public boolean isBasePathChecked() {
		return this.checked;
	}

	@Override
	public Mono<Object> getHandler(ServerWebExchange exchange) {
		if (this.checked && !this.basePath.contains(exchange)) {
			return Mono.empty();
		}
		return super.getHandler(exchange);
	}

}
