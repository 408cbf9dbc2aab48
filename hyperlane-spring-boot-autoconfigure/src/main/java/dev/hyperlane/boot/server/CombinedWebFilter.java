package dev.hyperlane.boot.server;

import java.util.List;
import java.util.stream.Collectors;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Adjacent web filters run as one link of WebFlux's filter chain ({@link StarterWebChain}): each filter is invoked
 * in turn, the next one when the previous one's chain is subscribed (as WebFlux's own chain invokes it), and the
 * last one's chain is the rest of WebFlux's chain. The filters see the exchange, the order and the errors they saw as
 * separate links; what goes is WebFlux's per-link work on every request, a {@code Mono.defer} and a Reactor
 * checkpoint named after the filter (0.2-0.5 KB per link and request, benchmarks/README.md), of which the
 * combined link keeps one, named after all its filters.
 */
final class CombinedWebFilter implements WebFilter {

	private final WebFilter[] filters;

	private final String name;

	/**
	 * Combine filters.
	 * @param filters the filters in chain order, at least two
	 */
	CombinedWebFilter(List<WebFilter> filters) {
		if (filters.size() < 2) {
			throw new IllegalArgumentException("at least two filters to combine, got " + filters.size());
		}
		this.filters = filters.toArray(new WebFilter[0]);
		this.name = filters.stream().map(Object::toString).collect(Collectors.joining(", ", "[", "]"));
	}

	/**
	 * Return the filters in chain order.
	 * @return the filters
	 */
	List<WebFilter> filters() {
		return List.of(this.filters);
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return this.filters[0].filter(exchange, new Link(this.filters, 1, chain));
	}

	/**
	 * Return the names of the combined filters, one constant string: WebFlux's chain names every link in a checkpoint
	 * on every request.
	 * @return the names
	 */
	@Override
	public String toString() {
		return this.name;
	}

	/**
	 * The chain a combined filter is given: the next combined filter, or after the last the rest of WebFlux's chain.
	 */
	private record Link(WebFilter[] filters, int index, WebFilterChain rest) implements WebFilterChain {

		@Override
		public Mono<Void> filter(ServerWebExchange exchange) {
			if (this.index == this.filters.length) {
				return this.rest.filter(exchange);
			}
			return Mono.defer(() -> this.filters[this.index].filter(exchange,
					new Link(this.filters, this.index + 1, this.rest)));
		}

	}

}
