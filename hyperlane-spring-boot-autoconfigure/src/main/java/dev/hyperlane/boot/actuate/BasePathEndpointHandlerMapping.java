package dev.hyperlane.boot.actuate;

import java.util.Collection;
import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.http.server.PathContainer;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * Spring Boot's {@link WebFluxEndpointHandlerMapping} with one check in front: a request whose path (within the
 * application) does not begin with the actuator's base path ({@code management.endpoints.web.base-path}, by default
 * {@code /actuator}) is answered "no handler" at once, without testing each endpoint's registration.
 * <p>
 * Boot's mapping sits before the application's mappings (order -100) and, for a path that is none of its own, tests
 * every registration's method, produces (parsing the {@code Accept} header) and path conditions: about 1.9 KB allocated
 * per request of a plaintext handler (benchmarks/README.md, 2026-12-05 profile). The check compares the request's
 * leading path segments (decoded, without matrix parameters, as a {@link PathPattern} compares them) with the base
 * path's, and allocates nothing.
 * <p>
 * The check is on only when it cannot change an answer: the base path is not empty (it is empty when set to
 * {@code /}, or on a management port with {@code management.server.base-path} only) and every registered pattern
 * starts with the base path as whole segments; otherwise every request goes to Boot's matching as without the starter.
 * Endpoints, links, CORS and exposure are Boot's own: the constructor takes what Boot's constructor takes.
 */
public class BasePathEndpointHandlerMapping extends WebFluxEndpointHandlerMapping {

	private final String[] baseSegments;

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
		String path = endpointMapping.getPath();
		this.baseSegments = path.isEmpty() ? new String[0] : path.substring(1).split("/");
	}

	@Override
	public void afterPropertiesSet() {
		super.afterPropertiesSet();
		this.checked = this.baseSegments.length > 0 && allPatternsBelowBasePath();
	}

	/**
	 * Whether requests outside the base path skip the endpoint matching: true once initialized when the base path is
	 * not empty and every registered pattern lies below it.
	 * @return whether the check is on
	 */
	public boolean isBasePathChecked() {
		return this.checked;
	}

	private boolean allPatternsBelowBasePath() {
		String base = "/" + String.join("/", this.baseSegments);
		for (RequestMappingInfo info : getHandlerMethods().keySet()) {
			for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
				String text = pattern.getPatternString();
				if (!text.equals(base) && !text.startsWith(base + "/")) {
					return false;
				}
			}
		}
		return true;
	}

	@Override
	public Mono<HandlerMethod> getHandlerInternal(ServerWebExchange exchange) {
		if (this.checked && !startsWithBasePath(exchange.getRequest().getPath().pathWithinApplication())) {
			return Mono.empty();
		}
		return super.getHandlerInternal(exchange);
	}

	private boolean startsWithBasePath(PathContainer path) {
		List<PathContainer.Element> elements = path.elements();
		int index = 0;
		for (String segment : this.baseSegments) {
			if (elements.size() < index + 2 || !(elements.get(index) instanceof PathContainer.Separator)
					|| !(elements.get(index + 1) instanceof PathContainer.PathSegment pathSegment)
					|| !segment.equals(pathSegment.valueToMatch())) {
				return false;
			}
			index += 2;
		}
		return elements.size() == index || elements.get(index) instanceof PathContainer.Separator;
	}

}
