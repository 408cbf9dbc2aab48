package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.io.Resource;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;
import org.springframework.web.reactive.handler.AbstractUrlHandlerMapping;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * Turns a server request's raw path into the route template WebFlux matches it with, for the {@code uri} tag of
 * Reactor Netty's {@code reactor.netty.http.server.*} meters: Reactor Netty asks for the tag when the request
 * arrives, before WebFlux has chosen a handler, so the templates are collected once from the application's handler
 * mappings ({@code @RequestMapping} methods, actuator endpoints, router functions, URL handler mappings) and the
 * path is matched against them the way WebFlux ranks them ({@link PathPattern#SPECIFICITY_COMPARATOR}, most
 * specific first). A path no template matches is tagged {@value #UNKNOWN}. A raw path is never returned, so the
 * tag has at most as many values as the application has routes, plus one.
 */
public final class RouteTemplates implements Function<String, String> {

	/** The tag of a path that no route template matches. */
	public static final String UNKNOWN = "UNKNOWN";

	static final String PREFIX = "reactor.netty.http.server";

	private final ObjectProvider<HandlerMapping> handlerMappings;

	private final UriTagCap cap;

	private volatile @Nullable List<PathPattern> patterns;

	/**
	 * Create the templates, read from the given handler mappings on first use.
	 * @param handlerMappings the application's handler mappings
	 * @param cap the cap the tag values are bounded by before they reach Reactor Netty
	 */
	public RouteTemplates(ObjectProvider<HandlerMapping> handlerMappings, UriTagCap cap) {
		this.handlerMappings = handlerMappings;
		this.cap = cap;
	}

	@Override
	public String apply(String path) {
		PathContainer container = PathContainer.parsePath(stripQuery(path));
		for (PathPattern pattern : patterns()) {
			if (pattern.matches(container)) {
				return this.cap.limit(PREFIX, pattern.getPatternString());
			}
		}
		return this.cap.limit(PREFIX, UNKNOWN);
	}

	private static String stripQuery(String path) {
		int query = path.indexOf('?');
		return (query >= 0) ? path.substring(0, query) : path;
	}

	/**
	 * Return the route templates, most specific first.
	 * @return the templates
	 */
	public List<PathPattern> patterns() {
		List<PathPattern> patterns = this.patterns;
		if (patterns == null) {
			patterns = collect();
			this.patterns = patterns;
		}
		return patterns;
	}

	private List<PathPattern> collect() {
		Set<PathPattern> found = new LinkedHashSet<>();
		PathPatternParser parser = PathPatternParser.defaultInstance;
		this.handlerMappings.orderedStream().forEach((mapping) -> {
			if (mapping instanceof RequestMappingInfoHandlerMapping infos) {
				for (RequestMappingInfo info : infos.getHandlerMethods().keySet()) {
					found.addAll(info.getPatternsCondition().getPatterns());
				}
			}
			else if (mapping instanceof RouterFunctionMapping routes && routes.getRouterFunction() != null) {
				RouterPaths paths = new RouterPaths();
				routes.getRouterFunction().accept(paths);
				paths.patterns.forEach((pattern) -> found.add(parser.parse(pattern)));
			}
			else if (mapping instanceof AbstractUrlHandlerMapping urls) {
				found.addAll(urls.getHandlerMap().keySet());
			}
		});
		List<PathPattern> sorted = new ArrayList<>(found);
		sorted.sort(Comparator.nullsLast(PathPattern.SPECIFICITY_COMPARATOR));
		return List.copyOf(sorted);
	}

	/**
	 * Collects the path templates of router functions, nested prefixes joined.
	 */
	private static final class RouterPaths implements RouterFunctions.Visitor, RequestPredicates.Visitor {

		final List<String> patterns = new ArrayList<>();

		private final List<String> prefixes = new ArrayList<>();

		private @Nullable String current;

		@Override
		public void startNested(RequestPredicate predicate) {
			this.current = null;
			predicate.accept(this);
			this.prefixes.add((this.current != null) ? this.current : "");
		}

		@Override
		public void endNested(RequestPredicate predicate) {
			if (!this.prefixes.isEmpty()) {
				this.prefixes.remove(this.prefixes.size() - 1);
			}
		}

		@Override
		public void route(RequestPredicate predicate, HandlerFunction<?> handlerFunction) {
			this.current = null;
			predicate.accept(this);
			if (this.current != null) {
				this.patterns.add(String.join("", this.prefixes) + this.current);
			}
		}

		@Override
		public void resources(Function<ServerRequest, Mono<Resource>> lookupFunction) {
		}

		@Override
		public void attributes(Map<String, Object> attributes) {
		}

		@Override
		public void unknown(RouterFunction<?> routerFunction) {
		}

		@Override
		public void method(Set<HttpMethod> methods) {
		}

		@Override
		public void path(String pattern) {
			this.current = (this.current != null) ? this.current + pattern : pattern;
		}

		@Override
		public void pathExtension(String extension) {
		}

		@Override
		public void header(String name, String value) {
		}

		@Override
		public void queryParam(String name, String value) {
		}

		@Override
		public void version(String version) {
		}

		@Override
		public void startAnd() {
		}

		@Override
		public void and() {
		}

		@Override
		public void endAnd() {
		}

		@Override
		public void startOr() {
		}

		@Override
		public void or() {
		}

		@Override
		public void endOr() {
		}

		@Override
		public void startNegate() {
		}

		@Override
		public void endNegate() {
		}

		@Override
		public void unknown(RequestPredicate predicate) {
		}

	}

}
