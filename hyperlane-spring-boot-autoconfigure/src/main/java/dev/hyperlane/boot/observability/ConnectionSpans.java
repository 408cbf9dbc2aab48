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

	/**
	 * Takes every observation that is not connection-level and does nothing with it, so that only the connection-level
	 * ones reach the tracing handler that comes after it (the first handler that supports a context gets it).
	 */
	private static final ObservationHandler<Observation.Context> REQUEST_LEVEL_UNTRACED =
			(context) -> !isConnectionLevel(context.getName());

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
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					REQUEST_LEVEL_UNTRACED, new ReactorNettyTracingObservationHandler(tracer)));
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

}
