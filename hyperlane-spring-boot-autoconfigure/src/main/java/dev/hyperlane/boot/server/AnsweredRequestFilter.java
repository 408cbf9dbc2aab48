package dev.hyperlane.boot.server;

import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Ends quietly the handling of a request that Reactor Netty has already answered itself. When a request body turns
 * out malformed after the headers were handed to the application (an invalid chunk size, say), Reactor Netty sends
 * {@code 400 Bad Request} and closes the connection, and the application's read of the body fails. Without this
 * filter WebFlux then tries to write its own error response on top, fails with {@code IllegalStateException: Status
 * and headers already sent} and logs an error with a stack trace for every such request, which an attacker can
 * repeat at will. The filter drops the error only when the Reactor Netty response has already been sent; every other
 * error goes on to the application's exception handlers. Counted as {@code answeredByServer} in the server section.
 */
public final class AnsweredRequestFilter implements WebFilter, Ordered {

	/** The order: first, so that it sees the error before any other filter maps it. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private final ServerStatistics statistics;

	/**
	 * Create the filter.
	 * @param statistics where dropped errors are counted
	 */
	public AnsweredRequestFilter(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return chain.filter(exchange).onErrorResume((error) -> alreadyAnswered(exchange.getResponse()), (error) -> {
			this.statistics.requestAnsweredByServer();
			return Mono.empty();
		});
	}

	private static boolean alreadyAnswered(ServerHttpResponse response) {
		Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		return nativeResponse instanceof HttpServerResponse netty && netty.hasSentHeaders() && !response.isCommitted();
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
