package dev.hyperlane.boot.server;

import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.core.Ordered;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

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
 * Every other error goes on to the next exception handler (Spring Boot's error handler, the application's) untouched.
 * <p>
 * A {@link WebExceptionHandler}, first in order, rather than a web filter: it sees the errors every filter let
 * through, as the outermost filter did, but costs nothing on a request that does not fail. {@link StarterWebChain}
 * runs it together with the exception handler after it, so WebFlux wraps no operator of its own around every request
 * for it; as a filter it was a link of the filter chain on every request (about 0.2 KB of heap, benchmarks/README.md).
 */
public final class AnsweredRequestHandler implements WebExceptionHandler, Ordered {

	/** The order: first of the exception handlers, so that it sees the error before any of them maps it. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE;

	private final ServerStatistics statistics;

	/**
	 * Create the handler.
	 * @param statistics where dropped errors are counted
	 */
	public AnsweredRequestHandler(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
		if (alreadyAnswered(exchange.getResponse())) {
			this.statistics.requestAnsweredByServer();
			return Mono.empty();
		}
		if (closedByClient(error)) {
			this.statistics.requestClosedByClient();
			return Mono.empty();
		}
		return Mono.error(error);
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

}
