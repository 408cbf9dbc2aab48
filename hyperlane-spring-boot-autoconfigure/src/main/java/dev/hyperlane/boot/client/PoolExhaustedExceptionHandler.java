package dev.hyperlane.boot.client;

import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Answers {@code 503 Service Unavailable} with {@code Retry-After: 1} and a problem-detail body when a request
 * handler failed because a downstream connection pool was exhausted ({@link ConnectionPoolExhaustedException}
 * anywhere in the cause chain, such as inside a {@code WebClientRequestException}). Runs before Spring Boot's
 * error handler; any other error passes through.
 */
public final class PoolExhaustedExceptionHandler implements WebExceptionHandler, Ordered {

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ConnectionPoolExhaustedException exhausted = find(ex);
		if (exhausted == null || exchange.getResponse().isCommitted()) {
			return Mono.error(ex);
		}
		exchange.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
		exchange.getResponse().getHeaders().set("Retry-After", "1");
		exchange.getResponse().getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String body = "{\"type\":\"about:blank\",\"title\":\"Service Unavailable\",\"status\":503,"
				+ "\"detail\":\"downstream service '" + exhausted.getService().replace("\"", "")
				+ "' is saturated, retry later\"}";
		DataBuffer buffer = exchange.getResponse().bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return exchange.getResponse().writeWith(Mono.just(buffer));
	}

	private static ConnectionPoolExhaustedException find(Throwable ex) {
		for (Throwable cause = ex; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof ConnectionPoolExhaustedException exhausted) {
				return exhausted;
			}
		}
		return null;
	}

	@Override
	public int getOrder() {
		return -2;
	}

}
