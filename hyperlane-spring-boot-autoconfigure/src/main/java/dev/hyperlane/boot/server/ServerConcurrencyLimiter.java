package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.Limiter;
import com.netflix.concurrency.limits.limit.FixedLimit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import com.netflix.concurrency.limits.limit.VegasLimit;
import com.netflix.concurrency.limits.limiter.SimpleLimiter;
import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;

import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The server's concurrency limit: how many requests may be in progress at once. Netflix's
 * {@code concurrency-limits} library does the work (a {@link SimpleLimiter} over a Gradient2, Vegas or fixed
 * {@link Limit}, see {@link ConcurrencyLimitAlgorithm}); Hyperlane keeps the limit between
 * {@code hyperlane.server.concurrency-limit.min-limit} and {@code max-limit}, counts admitted and rejected requests
 * and those whose body is still arriving (they take their permit once it is in), and lets an operator pin the limit
 * through the endpoint ({@link #pin(int)}) and hand it back to the algorithm ({@link #release()}). Publishes
 * {@code hyperlane.server.concurrency.limit}, {@code hyperlane.server.concurrency.in.flight} and
 * {@code hyperlane.server.concurrency.receiving.bodies} (gauges, requests), {@code hyperlane.server.concurrency.admitted}
 * and {@code hyperlane.server.concurrency.rejected} (counters, requests). Thread-safe.
 */
public final class ServerConcurrencyLimiter implements MeterSource {

	private static final String METER_PREFIX = "hyperlane.server.concurrency.";

	private static final String REQUESTS = "requests";

	private final ConcurrencyLimitAlgorithm algorithm;

	private final AdjustableLimit limit;

	private final SimpleLimiter<Void> limiter;

	private final int min;

	private final int max;

	private final long retryAfterSeconds;

	private final List<PathPattern> bypass;

	private final Counts<Count> counts = new Counts<>(Count.class);

	private final AtomicInteger receivingBodies = new AtomicInteger();

	/**
	 * Create the limiter from the resolved server settings.
	 * @param settings the settings holding {@code hyperlane.server.concurrency-limit.*}
	 */
	public ServerConcurrencyLimiter(ServerSettings settings) {
		this.algorithm = Objects.requireNonNull(settings.get(ServerSettings.CONCURRENCY_LIMIT_ALGORITHM));
		int initial = Objects.requireNonNull(settings.<Integer>get(ServerSettings.CONCURRENCY_LIMIT_INITIAL));
		this.min = Objects.requireNonNull(settings.<Integer>get(ServerSettings.CONCURRENCY_LIMIT_MIN));
		this.max = Objects.requireNonNull(settings.<Integer>get(ServerSettings.CONCURRENCY_LIMIT_MAX));
		Duration retryAfter = Objects.requireNonNull(settings.get(ServerSettings.CONCURRENCY_LIMIT_RETRY_AFTER));
		this.retryAfterSeconds = retryAfter.toSeconds();
		List<String> paths = Objects.requireNonNull(settings.get(ServerSettings.CONCURRENCY_LIMIT_BYPASS_PATHS));
		this.bypass = paths.stream().map(PathPatternParser.defaultInstance::parse).toList();
		this.limit = new AdjustableLimit(algorithm(this.algorithm, initial, this.min, this.max), this.min, this.max);
		this.limiter = SimpleLimiter.newBuilder().named("hyperlane-server").limit(this.limit).build();
	}

	private static Limit algorithm(ConcurrencyLimitAlgorithm algorithm, int initial, int min, int max) {
		return switch (algorithm) {
			case GRADIENT2 -> Gradient2Limit.newBuilder().initialLimit(initial).minLimit(min).maxConcurrency(max).build();
			case VEGAS -> VegasLimit.newBuilder().initialLimit(initial).maxConcurrency(max).build();
			case FIXED -> FixedLimit.of(initial);
		};
	}

	/**
	 * Return whether requests to a path are never limited.
	 * @param path the request path
	 * @return {@code true} for a path that matches one of the bypass patterns
	 */
	boolean bypasses(PathContainer path) {
		for (PathPattern pattern : this.bypass) {
			if (pattern.matches(path)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Try to admit a request.
	 * @return the listener to tell how the request ended, or empty when the limit is reached
	 */
	Optional<Limiter.Listener> acquire() {
		Optional<Limiter.Listener> listener = this.limiter.acquire(null);
		this.counts.increment(listener.isPresent() ? Count.ADMITTED : Count.REJECTED);
		return listener;
	}

	/**
	 * Count a request whose body is on the way: admitted to receive it, not yet holding a permit.
	 */
	void bodyStarted() {
		this.receivingBodies.incrementAndGet();
	}

	/**
	 * Count a request whose body has arrived, or which ended before it did.
	 */
	void bodyEnded() {
		this.receivingBodies.decrementAndGet();
	}

	/**
	 * Return the requests whose body is still arriving; they hold no permit (see {@link ConcurrencyLimitWebFilter}).
	 * @return the requests receiving their body
	 */
	public int receivingBodies() {
		return this.receivingBodies.get();
	}

	/**
	 * Pin the limit to a value; the algorithm keeps learning but no longer sets it.
	 * @param value the limit, 1 or more
	 * @throws IllegalArgumentException when the value is below 1
	 */
	public void pin(int value) {
		if (value < 1) {
			throw new IllegalArgumentException("A concurrency limit must be 1 or more, not " + value);
		}
		this.limit.pin(value);
	}

	/**
	 * Hand the limit back to the algorithm.
	 */
	public void release() {
		this.limit.release();
	}

	/**
	 * Return the limit in force.
	 * @return the number of requests that may be in progress at once
	 */
	public int limit() {
		return this.limiter.getLimit();
	}

	/**
	 * Return the requests in progress.
	 * @return the requests admitted and not finished
	 */
	public int inFlight() {
		return this.limiter.getInflight();
	}

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	@Override
	public List<ScrapedMeter<?>> meters() {
		return List.of(
				ScrapedMeter.gauge(METER_PREFIX + "limit", Map.of(), this, ServerConcurrencyLimiter::limit, REQUESTS,
						"Requests the server admits at once"),
				ScrapedMeter.gauge(METER_PREFIX + "in.flight", Map.of(), this, ServerConcurrencyLimiter::inFlight,
						REQUESTS, "Requests admitted and in progress"),
				ScrapedMeter.gauge(METER_PREFIX + "receiving.bodies", Map.of(), this,
						ServerConcurrencyLimiter::receivingBodies, REQUESTS,
						"Requests whose body is still arriving; they take a permit once it is in"),
				ScrapedMeter.counter(METER_PREFIX + "admitted", Map.of(), this.counts, Count.ADMITTED,
						"Requests admitted by the concurrency limit"),
				ScrapedMeter.counter(METER_PREFIX + "rejected", Map.of(), this.counts, Count.REJECTED,
						"Requests rejected with 503 because the concurrency limit was reached"));
	}

	/**
	 * Return the Retry-After value sent with a rejection.
	 * @return whole seconds
	 */
	long retryAfterSeconds() {
		return this.retryAfterSeconds;
	}

	/**
	 * Describe the limiter for the endpoint.
	 * @return algorithm, limit and who set it, bounds, in-flight, admitted and rejected requests
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("algorithm", this.algorithm.name().toLowerCase(Locale.ROOT));
		description.put("limit", limit());
		int pinned = this.limit.pinned();
		description.put("setBy", (pinned > 0) ? "operator (endpoint)" : "algorithm");
		description.put("minLimit", this.min);
		description.put("maxLimit", this.max);
		description.put("inFlight", inFlight());
		description.put("receivingBodies", receivingBodies());
		description.putAll(this.counts.toMap());
		description.put("retryAfterSeconds", this.retryAfterSeconds);
		return description;
	}

	/**
	 * What the limiter counts, in the order the endpoint's {@code concurrencyLimit} shows it.
	 */
	public enum Count {

		/** Requests admitted. */
		ADMITTED,

		/** Requests rejected with 503 because the limit was reached. */
		REJECTED

	}

}
