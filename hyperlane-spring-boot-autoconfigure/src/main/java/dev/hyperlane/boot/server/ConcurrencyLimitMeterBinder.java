package dev.hyperlane.boot.server;

import dev.hyperlane.boot.ScrapedMeters;
import dev.hyperlane.boot.server.ServerConcurrencyLimiter.Count;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes the server's concurrency limit as Micrometer meters: {@code hyperlane.server.concurrency.limit} and
 * {@code hyperlane.server.concurrency.in.flight} (gauges, requests), {@code hyperlane.server.concurrency.admitted}
 * and {@code hyperlane.server.concurrency.rejected} (counters, requests). Spring Boot binds it to every registry.
 */
public final class ConcurrencyLimitMeterBinder extends ScrapedMeters<ServerConcurrencyLimiter> {

	private static final String PREFIX = "hyperlane.server.concurrency.";

	private static final String REQUESTS = "requests";

	/**
	 * Create the binder.
	 * @param limiter the limiter whose figures are published
	 */
	public ConcurrencyLimitMeterBinder(ServerConcurrencyLimiter limiter) {
		super(limiter);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		ServerConcurrencyLimiter limiter = source();
		gauge(registry, PREFIX + "limit", Tags.empty(), limiter, ServerConcurrencyLimiter::limit, REQUESTS,
				"Requests the server admits at once");
		gauge(registry, PREFIX + "in.flight", Tags.empty(), limiter, ServerConcurrencyLimiter::inFlight, REQUESTS,
				"Requests admitted and in progress");
		gauge(registry, PREFIX + "receiving.bodies", Tags.empty(), limiter, ServerConcurrencyLimiter::receivingBodies,
				REQUESTS, "Requests whose body is still arriving; they take a permit once it is in");
		counter(registry, PREFIX + "admitted", Tags.empty(), limiter.counts(), Count.ADMITTED,
				"Requests admitted by the concurrency limit");
		counter(registry, PREFIX + "rejected", Tags.empty(), limiter.counts(), Count.REJECTED,
				"Requests rejected with 503 because the concurrency limit was reached");
	}

}
