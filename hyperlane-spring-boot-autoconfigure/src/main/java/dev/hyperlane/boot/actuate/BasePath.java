package dev.hyperlane.boot.actuate;

import java.util.Collection;
import java.util.List;

import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.pattern.PathPattern;

/**
 * The actuator's base path as a request path is tested against it by the endpoint mappings on the application's port
 * ({@link BasePathEndpointHandlerMapping}, {@link BasePathControllerEndpointHandlerMapping}): the request's leading
 * path segments (decoded, without matrix parameters, as a {@link PathPattern} compares them) are compared with the
 * base path's, allocating nothing. Immutable.
 */
final class BasePath {

	private final String path;

	private final String[] segments;

	/**
	 * Create the base path.
	 * @param path the base path, {@code ""} or starting with {@code /} and without a trailing {@code /}, as
	 * {@code EndpointMapping.getPath()} returns it
	 */
	BasePath(String path) {
		this.path = path;
		this.segments = path.isEmpty() ? new String[0] : path.substring(1).split("/");
	}

	/**
	 * Return whether requests outside this base path can be answered "no handler" without matching: the base path is
	 * not empty and every registered pattern lies below it (at it or below it, as whole segments).
	 * @param mappings the mapping's registrations
	 * @return whether the check may be on
	 */
	boolean covers(Collection<RequestMappingInfo> mappings) {
		if (this.segments.length == 0) {
			return false;
		}
		for (RequestMappingInfo info : mappings) {
			for (PathPattern pattern : info.getPatternsCondition().getPatterns()) {
				String text = pattern.getPatternString();
				if (!text.equals(this.path) && !text.startsWith(this.path + "/")) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Return whether the request's path within the application starts with this base path, as whole segments.
	 * @param exchange the request's exchange
	 * @return whether it does
	 */
	boolean contains(ServerWebExchange exchange) {
		List<PathContainer.Element> elements = exchange.getRequest().getPath().pathWithinApplication().elements();
		int index = 0;
		for (String segment : this.segments) {
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
