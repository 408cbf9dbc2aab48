package dev.hyperlane.boot.server;

import java.util.Optional;

import com.netflix.concurrency.limits.Limiter;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admits a request only while the {@link ServerConcurrencyLimiter} has room; a request beyond the limit gets
 * {@code 503 Service Unavailable} with {@code Retry-After} at once, before any application code runs, instead of
 * waiting in a queue. The time from admission to the end of the response is the latency sample the algorithm
 * learns from: a completed exchange counts as a success, an error or a cancelled exchange is ignored. Paths matching
 * {@code hyperlane.server.concurrency-limit.bypass-paths} are never limited.
 */
public final class ConcurrencyLimitWebFilter implements WebFilter, Ordered {

	/** The order: right after {@link AnsweredRequestFilter}, ahead of the application's filters. */
	public static final int ORDER = AnsweredRequestFilter.ORDER + 10;

	private final ServerConcurrencyLimiter limiter;

	/**
	 * Create the filter.
	 * @param limiter the limiter
	 */
	public ConcurrencyLimitWebFilter(ServerConcurrencyLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (this.limiter.bypasses(exchange.getRequest().getPath().pathWithinApplication())) {
			return chain.filter(exchange);
		}
		Optional<Limiter.Listener> admitted = this.limiter.acquire();
		if (admitted.isEmpty()) {
			ServerHttpResponse response = exchange.getResponse();
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			response.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(this.limiter.retryAfterSeconds()));
			response.getHeaders().setContentLength(0);
			return response.setComplete();
		}
		Limiter.Listener listener = admitted.get();
		return chain.filter(exchange).doFinally((signal) -> {
			if (signal == SignalType.ON_COMPLETE) {
				listener.onSuccess();
			}
			else {
				listener.onIgnore();
			}
		});
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
