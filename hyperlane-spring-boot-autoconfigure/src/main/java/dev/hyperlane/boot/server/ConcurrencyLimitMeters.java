package dev.hyperlane.boot.server;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import dev.hyperlane.boot.server.ServerConcurrencyLimiter.Count;

/**
 * Publishes the server's concurrency limit as meters: {@code hyperlane.server.concurrency.limit},
 * {@code hyperlane.server.concurrency.in.flight} and {@code hyperlane.server.concurrency.receiving.bodies} (gauges,
 * requests), {@code hyperlane.server.concurrency.admitted} and {@code hyperlane.server.concurrency.rejected}
 * (counters, requests).
 */
public final class ConcurrencyLimitMeters implements MeterSource {

	private static final String PREFIX = "hyperlane.server.concurrency.";

	private static final String REQUESTS = "requests";

	private final ServerConcurrencyLimiter limiter;

	/**
	 * Create the meters.
	 * @param limiter the limiter whose figures are published
	 */
	public ConcurrencyLimitMeters(ServerConcurrencyLimiter limiter) {
		this.limiter = limiter;
	}

	@Override
	public List<ScrapedMeter<?>> meters() {
		return List.of(
				ScrapedMeter.gauge(PREFIX + "limit", Map.of(), this.limiter, ServerConcurrencyLimiter::limit,
						REQUESTS, "Requests the server admits at once"),
				ScrapedMeter.gauge(PREFIX + "in.flight", Map.of(), this.limiter, ServerConcurrencyLimiter::inFlight,
						REQUESTS, "Requests admitted and in progress"),
				ScrapedMeter.gauge(PREFIX + "receiving.bodies", Map.of(), this.limiter,
						ServerConcurrencyLimiter::receivingBodies, REQUESTS,
						"Requests whose body is still arriving; they take a permit once it is in"),
				ScrapedMeter.counter(PREFIX + "admitted", Map.of(), this.limiter.counts(), Count.ADMITTED,
						"Requests admitted by the concurrency limit"),
				ScrapedMeter.counter(PREFIX + "rejected", Map.of(), this.limiter.counts(), Count.REJECTED,
						"Requests rejected with 503 because the concurrency limit was reached"));
	}

}
