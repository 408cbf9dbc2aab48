package dev.hyperlane.boot.observability;

import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import reactor.netty.Metrics;
import reactor.netty.observability.ReactorNettyTimerObservationHandler;
import reactor.netty.observability.ReactorNettyTracingObservationHandler;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;

/**
 * Turns on Reactor Netty's connection-level spans: connect ({@code *.connect.time}), address resolution
 * ({@code *.address.resolver}) and TLS handshake ({@code *.tls.handshake.time}), children of the request span
 * that opened the connection. Reactor Netty reports them to one static observation registry
 * ({@link Metrics#observationRegistry(ObservationRegistry)}); handing it Spring Boot's registry would also trace
 * Reactor Netty's request-level observations ({@code *.response.time}) next to Spring's own server and
 * {@code WebClient} spans, so every request would have two spans (spring-boot #34510). Instead Reactor Netty gets a
 * registry of its own that keeps recording its timers the way its default registry does and traces only the
 * connection-level observations, with Micrometer Tracing's {@link Tracer}. The previous static registry is
 * restored when the application context closes.
 */
public final class ConnectionSpans implements InitializingBean, DisposableBean {

	private final ObservationRegistry registry;

	private ObservationRegistry previous = ObservationRegistry.NOOP;

	private volatile boolean installed;

	/**
	 * Create the connection spans.
	 * @param tracer the tracer the spans are created with
	 */
	public ConnectionSpans(Tracer tracer) {
		this.registry = ObservationRegistry.create();
		this.registry.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new ReactorNettyTimerObservationHandler(Metrics.REGISTRY),
					new DefaultMeterObservationHandler(Metrics.REGISTRY)))
			.observationHandler(new ConnectionLevelOnly(new ReactorNettyTracingObservationHandler(tracer)));
	}

	@Override
	public void afterPropertiesSet() {
		this.previous = Metrics.observationRegistry(this.registry);
		this.installed = true;
	}

	@Override
	public void destroy() {
		if (this.installed) {
			Metrics.observationRegistry(this.previous);
			this.installed = false;
		}
	}

	/**
	 * Return the registry given to Reactor Netty.
	 * @return the registry
	 */
	public ObservationRegistry registry() {
		return this.registry;
	}

	static boolean isConnectionLevel(String name) {
		return name.endsWith(".connect.time") || name.endsWith(".address.resolver")
				|| name.endsWith(".tls.handshake.time");
	}

	static boolean isConnectionLevelName(String spanName) {
		return spanName.equals("connect") || spanName.equals("hostname resolution")
				|| spanName.equals("tls handshake");
	}

	private static final class ConnectionLevelOnly implements ObservationHandler<Observation.Context> {

		private final ReactorNettyTracingObservationHandler delegate;

		ConnectionLevelOnly(ReactorNettyTracingObservationHandler delegate) {
			this.delegate = delegate;
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return this.delegate.supportsContext(context) && isConnectionLevel(context.getName());
		}

		@Override
		public void onStart(Observation.Context context) {
			this.delegate.onStart(context);
		}

		@Override
		public void onError(Observation.Context context) {
			this.delegate.onError(context);
		}

		@Override
		public void onEvent(Observation.Event event, Observation.Context context) {
			this.delegate.onEvent(event, context);
		}

		@Override
		public void onScopeOpened(Observation.Context context) {
			this.delegate.onScopeOpened(context);
		}

		@Override
		public void onScopeClosed(Observation.Context context) {
			this.delegate.onScopeClosed(context);
		}

		@Override
		public void onScopeReset(Observation.Context context) {
			this.delegate.onScopeReset(context);
		}

		@Override
		public void onStop(Observation.Context context) {
			this.delegate.onStop(context);
		}

	}

}
