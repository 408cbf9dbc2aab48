package dev.hyperlane.boot.server;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import com.netflix.concurrency.limits.Limiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Admits a request only while the {@link ServerConcurrencyLimiter} has room; a request beyond the limit gets
 * {@code 503 Service Unavailable} with {@code Retry-After} at once, instead of waiting in a queue. The time from
 * admission to the end of the response is the latency sample the algorithm learns from: a completed exchange counts
 * as a success, an error or a cancelled exchange is ignored. Paths matching
 * {@code hyperlane.server.concurrency-limit.bypass-paths} are never limited.
 * <p>
 * A request takes its permit when the application can start work on it: at once when it has no body, and when the
 * last byte of its body has arrived otherwise (see {@link RequestBodies}). While its body is on the way it only
 * counts as {@code receivingBodies} in the endpoint: clients that trickle a body (120 connections sending one byte a
 * second were enough, issue 14) would otherwise hold every permit for as long as they like and turn every other
 * request away with 503. A request refused once its body is in gets the same 503 through the application's error
 * handling (a problem detail when those are on). A request whose body the application never reads takes no permit.
 */
public final class ConcurrencyLimitWebFilter implements WebFilter, Ordered {

	/** The order: among the first filters, ahead of the application's filters. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

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
		if (RequestBodies.pending(exchange.getRequest())) {
			return admitWhenBodyArrived(exchange, chain);
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
		return chain.filter(exchange).doFinally((signal) -> finish(listener, signal));
	}

	private Mono<Void> admitWhenBodyArrived(ServerWebExchange exchange, WebFilterChain chain) {
		Admission admission = new Admission();
		ServerHttpRequest request = new ServerHttpRequestDecorator(exchange.getRequest()) {

			@Override
			public Flux<DataBuffer> getBody() {
				return super.getBody().concatWith(Mono.defer(admission::bodyArrived));
			}

		};
		this.limiter.bodyStarted();
		return chain.filter(exchange.mutate().request(request).build()).doFinally(admission::finished);
	}

	private static void finish(Limiter.Listener listener, SignalType signal) {
		if (signal == SignalType.ON_COMPLETE) {
			listener.onSuccess();
		}
		else {
			listener.onIgnore();
		}
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
		return "ConcurrencyLimitWebFilter";
	}

	/**
	 * One request's way through the limit: receiving its body, then holding a permit (or refused).
	 */
	private final class Admission {

		private final AtomicBoolean receiving = new AtomicBoolean(true);

		private final AtomicBoolean ended = new AtomicBoolean();

		private final AtomicReference<Limiter.@Nullable Listener> permit = new AtomicReference<>();

		Mono<DataBuffer> bodyArrived() {
			received();
			if (this.permit.get() != null || this.ended.get()) {
				return Mono.empty();
			}
			Optional<Limiter.Listener> admitted = ConcurrencyLimitWebFilter.this.limiter.acquire();
			if (admitted.isEmpty()) {
				return Mono.error(new Rejected(ConcurrencyLimitWebFilter.this.limiter.retryAfterSeconds()));
			}
			Limiter.Listener listener = admitted.get();
			if (!this.permit.compareAndSet(null, listener)) {
				// the body was read twice: one permit is enough
				listener.onIgnore();
			}
			else if (this.ended.get() && this.permit.compareAndSet(listener, null)) {
				// the exchange ended meanwhile: the permit goes back at once
				listener.onIgnore();
			}
			return Mono.empty();
		}

		void finished(SignalType signal) {
			this.ended.set(true);
			received();
			Limiter.Listener listener = this.permit.getAndSet(null);
			if (listener != null) {
				finish(listener, signal);
			}
		}

		private void received() {
			if (this.receiving.compareAndSet(true, false)) {
				ConcurrencyLimitWebFilter.this.limiter.bodyEnded();
			}
		}

	}

	/**
	 * The 503 for a request refused once its body was in, with its {@code Retry-After}.
	 */
	static final class Rejected extends ResponseStatusException {

		private final HttpHeaders headers = new HttpHeaders();

		Rejected(long retryAfterSeconds) {
			super(HttpStatus.SERVICE_UNAVAILABLE, "The server's concurrency limit is reached");
			this.headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

	}

}
