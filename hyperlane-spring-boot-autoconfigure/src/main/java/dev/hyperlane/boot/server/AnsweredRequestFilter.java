package dev.hyperlane.boot.server;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Ends quietly the handling of a request that can no longer get an answer from the application, instead of letting
 * WebFlux log a {@code 500 Server Error} with a stack trace for it, which a client can provoke at will:
 * <ul>
 * <li>The server answered it itself: a request body that turns out malformed after the headers were handed to the
 * application (an invalid chunk size) gets {@code 400 Bad Request} from {@link MalformedRequestResponder} (or from
 * Reactor Netty) and the connection closes; WebFlux would then try to write its own error response on top (with
 * problem details on, through the application's exception handlers) and fail. Counted as
 * {@code answeredByServer}.</li>
 * <li>The client closed the connection before its request body was complete (Reactor Netty's
 * {@link AbortedException}). Counted as {@code closedByClient}.</li>
 * </ul>
 * Every other error goes on to the application's exception handlers untouched.
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
		return chain.filter(exchange).onErrorResume((error) -> {
			if (alreadyAnswered(exchange.getResponse())) {
				this.statistics.requestAnsweredByServer();
				return Mono.empty();
			}
			if (closedByClient(error)) {
				this.statistics.requestClosedByClient();
				return Mono.empty();
			}
			return Mono.error(error);
		});
	}

	private static boolean alreadyAnswered(ServerHttpResponse response) {
		Object nativeResponse = ServerHttpResponseDecorator.getNativeResponse(response);
		if (nativeResponse instanceof Connection connection && MalformedRequestResponder.answered(connection.channel())) {
			return true;
		}
		return nativeResponse instanceof HttpServerResponse netty && netty.hasSentHeaders() && !response.isCommitted();
	}

	private static boolean closedByClient(Throwable error) {
		for (Throwable cause = error; cause != null; cause = cause.getCause()) {
			if (cause instanceof AbortedException) {
				return true;
			}
			if (cause.getCause() == cause) {
				break;
			}
		}
		return false;
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	/**
	 * Return a constant name: WebFlux's filter chain names every filter in a Reactor checkpoint with
	 * {@code toString()} on every request, and {@link Object#toString()} builds a new string each time (about 0.3 KB
	 * of heap per filter and request, measured in benchmarks/README.md).
	 * @return the filter's name
	 */
	@Override
	public String toString() {
		return "AnsweredRequestFilter";
	}

}
