package dev.hyperlane.boot.observability;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
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
 * with {@code @RequestBody} is invoked when the body is complete). Uses Micrometer's context-propagation library
 * ({@link ContextSnapshotFactory}) with the observation Spring WebFlux keeps in the Reactor context; a request
 * without an observation passes through untouched.
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

	private final ContextSnapshotFactory snapshots = ContextSnapshotFactory.builder().build();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerWebExchange scoped = hasBody(exchange.getRequest().getHeaders())
				? new ScopedBodyExchange(exchange, this.snapshots) : exchange;
		return new ScopedSubscribe(chain.filter(scoped), this.snapshots);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

	private static boolean hasBody(HttpHeaders headers) {
		return headers.getContentLength() > 0 || headers.getFirst(HttpHeaders.TRANSFER_ENCODING) != null;
	}

	static ContextSnapshot.Scope open(ContextSnapshotFactory snapshots, Context context) {
		return snapshots.setThreadLocalsFrom(context, ObservationThreadLocalAccessor.KEY);
	}

	/**
	 * Subscribes the rest of the chain with the observation in scope.
	 */
	private static final class ScopedSubscribe extends MonoOperator<Void, Void> {

		private final ContextSnapshotFactory snapshots;

		ScopedSubscribe(Mono<Void> source, ContextSnapshotFactory snapshots) {
			super(source);
			this.snapshots = snapshots;
		}

		@Override
		public void subscribe(CoreSubscriber<? super Void> actual) {
			Context context = actual.currentContext();
			if (!context.hasKey(ObservationThreadLocalAccessor.KEY)) {
				this.source.subscribe(actual);
				return;
			}
			try (ContextSnapshot.Scope scope = open(this.snapshots, context)) {
				this.source.subscribe(actual);
			}
		}

	}

	/**
	 * The exchange whose request body is delivered with the observation in scope.
	 */
	private static final class ScopedBodyExchange extends org.springframework.web.server.ServerWebExchangeDecorator {

		private final ServerHttpRequest request;

		ScopedBodyExchange(ServerWebExchange delegate, ContextSnapshotFactory snapshots) {
			super(delegate);
			ServerHttpRequest original = delegate.getRequest();
			this.request = new ServerHttpRequestDecorator(original) {
				@Override
				public Flux<DataBuffer> getBody() {
					return new ScopedBody(original.getBody(), snapshots);
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

		private final ContextSnapshotFactory snapshots;

		ScopedBody(Flux<DataBuffer> source, ContextSnapshotFactory snapshots) {
			super(source);
			this.snapshots = snapshots;
		}

		@Override
		public void subscribe(CoreSubscriber<? super DataBuffer> actual) {
			boolean observed = actual.currentContext().hasKey(ObservationThreadLocalAccessor.KEY);
			this.source.subscribe(observed ? new ScopedSubscriber(actual, this.snapshots) : actual);
		}

	}

	private static final class ScopedSubscriber implements CoreSubscriber<DataBuffer> {

		private final CoreSubscriber<? super DataBuffer> actual;

		private final ContextSnapshotFactory snapshots;

		ScopedSubscriber(CoreSubscriber<? super DataBuffer> actual, ContextSnapshotFactory snapshots) {
			this.actual = actual;
			this.snapshots = snapshots;
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
			try (ContextSnapshot.Scope scope = open(this.snapshots, this.actual.currentContext())) {
				this.actual.onNext(buffer);
			}
		}

		@Override
		public void onError(Throwable error) {
			try (ContextSnapshot.Scope scope = open(this.snapshots, this.actual.currentContext())) {
				this.actual.onError(error);
			}
		}

		@Override
		public void onComplete() {
			try (ContextSnapshot.Scope scope = open(this.snapshots, this.actual.currentContext())) {
				this.actual.onComplete();
			}
		}

	}

}
