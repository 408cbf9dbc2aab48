package dev.hyperlane.boot.observability;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Gives Reactor Netty's {@code reactor.netty.http.client.*} meters the request's URI template as their
 * {@code uri} tag. Reactor Netty hands the tag function only the raw path, so this {@link ExchangeFilterFunction}
 * (added to every {@code WebClient}) notes, for each request in flight, its raw path and the URI template Spring
 * sets as the request attribute {@code org.springframework.web.reactive.function.client.WebClient.uriTemplate}
 * ({@code uri("/items/{id}", id)}); the tag function looks the path up and returns the template's path. A request
 * without a template, or sent by another client, is tagged {@value #NONE} (Spring Boot's value for
 * {@code http.client.requests} without a template); a raw path is never returned. Templates built by string
 * concatenation ({@code uri("/items/" + id)}) are distinct templates: the {@link UriTagCap} bounds them here,
 * before Reactor Netty caches a meter per value. Entries live only while their
 * request is in flight, so the table is bounded by the requests in flight. Two templates that expand to one path
 * at the same moment share a tag, which is then one of the two.
 */
public final class ClientUriTemplates implements ExchangeFilterFunction, Function<String, String> {

	/** The tag of a request without a URI template. */
	public static final String NONE = "none";

	static final String URI_TEMPLATE_ATTRIBUTE = WebClient.class.getName() + ".uriTemplate";

	static final String PREFIX = "reactor.netty.http.client";

	private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();

	private final UriTagCap cap;

	/**
	 * Create the templates.
	 * @param cap the cap the tag values are bounded by before they reach Reactor Netty
	 */
	public ClientUriTemplates(UriTagCap cap) {
		this.cap = cap;
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		Object template = request.attribute(URI_TEMPLATE_ATTRIBUTE).orElse(null);
		String raw = request.url().getRawPath();
		String decoded = request.url().getPath();
		if (!(template instanceof String uriTemplate) || raw == null || decoded == null) {
			return next.exchange(request);
		}
		String templatePath = templatePath(uriTemplate);
		// Reactor Netty may hand over the path decoded or not, depending on how the request was built
		List<String> paths = raw.equals(decoded) ? List.of(raw) : List.of(raw, decoded);
		return Mono.defer(() -> {
			paths.forEach((path) -> this.inFlight.compute(path, (key, entry) -> (entry == null)
					? new InFlight(templatePath, 1) : new InFlight(templatePath, entry.count() + 1)));
			return next.exchange(request).doFinally((signal) -> paths.forEach(this::release));
		});
	}

	private void release(String path) {
		this.inFlight.computeIfPresent(path,
				(key, entry) -> (entry.count() <= 1) ? null : new InFlight(entry.template(), entry.count() - 1));
	}

	@Override
	public String apply(String path) {
		InFlight entry = this.inFlight.get(stripQuery(path));
		return this.cap.limit(PREFIX, (entry != null) ? entry.template() : NONE);
	}

	/**
	 * Return the number of distinct paths in flight with a template.
	 * @return the table's size
	 */
	public int inFlightPaths() {
		return this.inFlight.size();
	}

	static String templatePath(String template) {
		String path = template;
		int scheme = path.indexOf("://");
		if (scheme >= 0) {
			int slash = path.indexOf('/', scheme + 3);
			path = (slash >= 0) ? path.substring(slash) : "/";
		}
		int query = path.indexOf('?');
		if (query >= 0) {
			path = path.substring(0, query);
		}
		int fragment = path.indexOf('#');
		if (fragment >= 0) {
			path = path.substring(0, fragment);
		}
		return path.isEmpty() ? "/" : path;
	}

	private static String stripQuery(String path) {
		int query = path.indexOf('?');
		return (query >= 0) ? path.substring(0, query) : path;
	}

	private record InFlight(String template, int count) {
	}

}
