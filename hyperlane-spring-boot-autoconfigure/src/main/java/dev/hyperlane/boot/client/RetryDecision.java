package dev.hyperlane.boot.client;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.PrematureCloseException;

import org.springframework.http.HttpMethod;

/**
 * Whether a failed request is retried, shared by the reactive connector and the blocking request factory; counts
 * what it decides in the service's {@link ClientStatistics}. A request is retried once when it failed before any
 * response header arrived with a premature close, a connection reset, a refused connection or a pool that handed
 * out only closed connections, is idempotent (GET, HEAD, OPTIONS, PUT, DELETE, TRACE) or carries an
 * {@code Idempotency-Key} header, and the service's
 * {@link RetryBudget} has a retry left. A pool that is exhausted is never retried: it becomes a
 * {@link ConnectionPoolExhaustedException}.
 *
 * @param retry whether to retry
 * @param delay the jittered backoff before the retry
 * @param exhausted the error to raise instead when the pool was exhausted, or {@code null}
 */
record RetryDecision(boolean retry, Duration delay, @Nullable ConnectionPoolExhaustedException exhausted) {

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private static final RetryDecision FAIL = new RetryDecision(false, Duration.ZERO, null);

	static RetryDecision decide(ServiceClient client, HttpMethod method, boolean idempotencyKey, Throwable error) {
		ClientStatistics statistics = client.statistics();
		ClientSettings settings = client.settings();
		if (causedBy(error, PrematureCloseException.class)) {
			statistics.prematureCloses.increment();
		}
		if (isPoolExhausted(error)) {
			statistics.poolExhausted.increment();
			return new RetryDecision(false, Duration.ZERO,
					new ConnectionPoolExhaustedException(settings.service(), settings, error));
		}
		if (!settings.retryEnabled || !isRetryableFailure(error)) {
			return FAIL;
		}
		if (!IDEMPOTENT.contains(method) && !idempotencyKey) {
			statistics.retriesNotSafe.increment();
			return FAIL;
		}
		if (!client.budget().tryRetry()) {
			statistics.retriesDeniedByBudget.increment();
			return FAIL;
		}
		statistics.retries.increment();
		return new RetryDecision(true, jitter(settings.retryBackoff), null);
	}

	private static Duration jitter(Duration backoff) {
		long millis = backoff.toMillis();
		if (millis <= 0) {
			return Duration.ZERO;
		}
		return Duration.ofMillis(millis / 2 + ThreadLocalRandom.current().nextLong(millis + 1));
	}

	static boolean isRetryableFailure(Throwable error) {
		for (Throwable cause = error; cause != null; cause = next(cause)) {
			if (cause instanceof PrematureCloseException || cause instanceof ConnectException) {
				return true;
			}
			if (cause instanceof IOException && cause.getMessage() != null
					&& (cause.getMessage().toLowerCase(Locale.ROOT).contains("connection reset")
							|| cause.getMessage().startsWith("Error while acquiring from"))) {
				// the second: Reactor Netty's pool handed out a closed connection twice; nothing was sent
				return true;
			}
		}
		return false;
	}

	private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
		for (Throwable cause = error; cause != null; cause = next(cause)) {
			if (type.isInstance(cause)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isPoolExhausted(Throwable error) {
		for (Throwable cause = error; cause != null; cause = next(cause)) {
			String name = cause.getClass().getSimpleName();
			if (name.equals("PoolAcquirePendingLimitException") || name.equals("PoolAcquireTimeoutException")) {
				return true;
			}
		}
		return false;
	}

	private static @Nullable Throwable next(Throwable cause) {
		return (cause.getCause() != cause) ? cause.getCause() : null;
	}

}
