package dev.hyperlane.boot.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxOperator;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoOperator;
import reactor.util.context.Context;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Makes the server request's observation current (so the trace and span ids are in the logging MDC) on the event
 * loop thread while a WebFlux handler runs, at the two places where it runs there: while the filter chain is
 * subscribed (a handler without a request body is invoked then) and while the request body is delivered (a handler
 * with {@code @RequestBody} is invoked when the body is complete). Opens the scope of the observation Spring WebFlux
 * keeps in the Reactor context (under {@link ObservationThreadLocalAccessor#KEY}) with Micrometer's
 * {@link Observation#openScope()}, which is what Micrometer's context-propagation accessor does for that key, without
 * the snapshot of every other thread local it would also take and restore (measured per request in
 * benchmarks/README.md); a request without an observation passes through untouched.
 * <p>
 * This is what keeps trace ids in the log lines of handlers with Spring Boot's default
 * {@code spring.reactor.context-propagation=limited}: Reactor's {@code auto} mode restores the thread locals on
 * every signal of every {@code tap} and {@code contextWrite} operator instead, about six observation scopes per
 * request, which cost 15 % of the CPU per request on a small handler (benchmarks/README.md, S7). Log lines written
 * after an asynchronous hop (a {@code WebClient} answer, a database call) still need {@code auto}, Spring Boot's own
 * switch; with {@code auto} set this filter is not installed.
 */
public final class ObservationScopeWebFilter implements WebFilter, Ordered {

	/** The order: right after the filters that must see every error first. */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerWebExchange scoped = hasBody(exchange.getRequest().getHeaders()) ? new ScopedBodyExchange(exchange)
				: exchange;
		return new ScopedSubscribe(chain.filter(scoped));
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
		return "ObservationScopeWebFilter";
	}

	private static boolean hasBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.getFirst(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	static @Nullable Observation observation(Context context) {
		return context.getOrDefault(ObservationThreadLocalAccessor.KEY, null);
	}

	/**
	 * Subscribes the rest of the chain with the observation in scope.
	 */
	private static final class ScopedSubscribe extends MonoOperator<Void, Void> {

		ScopedSubscribe(Mono<Void> source) {
			super(source);
		}

		@Override
		public void subscribe(CoreSubscriber<? super Void> actual) {
			Observation observation = observation(actual.currentContext());
			if (observation == null) {
				this.source.subscribe(actual);
				return;
			}
			try (Observation.Scope scope = observation.openScope()) {
				this.source.subscribe(actual);
			}
		}

	}

	/**
	 * The exchange whose request body is delivered with the observation in scope.
	 */
	private static final class ScopedBodyExchange extends org.springframework.web.server.ServerWebExchangeDecorator {

		private final ServerHttpRequest request;

		ScopedBodyExchange(ServerWebExchange delegate) {
			super(delegate);
			ServerHttpRequest original = delegate.getRequest();
			this.request = new ServerHttpRequestDecorator(original) {
				@Override
				public Flux<DataBuffer> getBody() {
					return new ScopedBody(original.getBody());
				}
			};
		}

		@Override
		public ServerHttpRequest getRequest() {
			return this.request;
		}

	}

	/**
	 * A request body whose signals reach the handler with the observation in scope.
	 */
	private static final class ScopedBody extends FluxOperator<DataBuffer, DataBuffer> {

		ScopedBody(Flux<DataBuffer> source) {
			super(source);
		}

		@Override
		public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
			this.source.subscribe(ScopedSubscriber.of(actual));
		}

	}

	private static final class ScopedSubscriber implements CoreSubscriber<DataBuffer> {

		private final CoreSubscriber<? super DataBuffer> actual;

		private final Observation observation;

		private ScopedSubscriber(CoreSubscriber<? super DataBuffer> actual, Observation observation) {
			this.actual = actual;
			this.observation = observation;
		}

		/**
		 * Return the subscriber that receives the body's signals with the request's observation in scope.
		 * @param actual the handler's subscriber
		 * @return a scoped subscriber, or {@code actual} itself when the request has no observation
		 */
		static CoreSubscriber<? super DataBuffer> of(CoreSubscriber<? super DataBuffer> actual) {
			Observation observation = observation(actual.currentContext());
			return (observation != null) ? new ScopedSubscriber(actual, observation) : actual;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			this.actual.onSubscribe(subscription);
		}

		@Override
		public void onNext(DataBuffer buffer) {
			try (Observation.Scope scope = this.observation.openScope()) {
				this.actual.onNext(buffer);
			}
		}

		@Override
		public void onError(Throwable error) {
			try (Observation.Scope scope = this.observation.openScope()) {
				this.actual.onError(error);
			}
		}

		@Override
		public void onComplete() {
			try (Observation.Scope scope = this.observation.openScope()) {
				this.actual.onComplete();
			}
		}

	}

}
