package dev.hyperlane.boot.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes the server's concurrency limit as Micrometer meters: {@code hyperlane.server.concurrency.limit} and
 * {@code hyperlane.server.concurrency.in.flight} (gauges, requests), {@code hyperlane.server.concurrency.admitted}
 * and {@code hyperlane.server.concurrency.rejected} (counters, requests). Spring Boot binds it to every registry.
 */
public final class ConcurrencyLimitMeterBinder implements MeterBinder {

	private final ServerConcurrencyLimiter limiter;

	/**
	 * Create the binder.
	 * @param limiter the limiter whose figures are published
	 */
	public ConcurrencyLimitMeterBinder(ServerConcurrencyLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("hyperlane.server.concurrency.limit", this.limiter, ServerConcurrencyLimiter::limit)
			.description("Requests the server admits at once")
			.baseUnit("requests")
			.register(registry);
		Gauge.builder("hyperlane.server.concurrency.in.flight", this.limiter, ServerConcurrencyLimiter::inFlight)
			.description("Requests admitted and in progress")
			.baseUnit("requests")
			.register(registry);
		Gauge.builder("hyperlane.server.concurrency.receiving.bodies", this.limiter,
				ServerConcurrencyLimiter::receivingBodies)
			.description("Requests whose body is still arriving; they take a permit once it is in")
			.baseUnit("requests")
			.register(registry);
		FunctionCounter.builder("hyperlane.server.concurrency.admitted", this.limiter, ServerConcurrencyLimiter::admitted)
			.description("Requests admitted by the concurrency limit")
			.baseUnit("requests")
			.register(registry);
		FunctionCounter.builder("hyperlane.server.concurrency.rejected", this.limiter, ServerConcurrencyLimiter::rejected)
			.description("Requests rejected with 503 because the concurrency limit was reached")
			.baseUnit("requests")
			.register(registry);
	}

}
