package dev.hyperlane.boot.retry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClientRequestException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryPolicy}: classification on exception types (wrapped as WebClient wraps them), replay
 * safety, the budget and the one retry on the same instance.
 */
class RetryPolicyTests {

	@Test
	void classifiesByExceptionType() {
		assertThat(RetryPolicy.classify(wrapped(new ConnectException("Connection refused")))).isEqualTo(Failure.NOT_SENT);
		assertThat(RetryPolicy.classify(new ConnectTimeoutException("connect timed out"))).isEqualTo(Failure.NOT_SENT);
		assertThat(RetryPolicy.classify(wrapped(PrematureCloseException.TEST_EXCEPTION)))
			.isEqualTo(Failure.CLOSED_BEFORE_RESPONSE);
		// the JDK's reset is a SocketException whatever its text
		assertThat(RetryPolicy.classify(new SocketException("anything"))).isEqualTo(Failure.CLOSED_BEFORE_RESPONSE);
		assertThat(RetryPolicy.classify(wrapped(new PoolAcquirePendingLimitException(1))))
			.isEqualTo(Failure.POOL_EXHAUSTED);
		assertThat(RetryPolicy.classify(ReadTimeoutException.INSTANCE)).isEqualTo(Failure.OTHER);
		assertThat(RetryPolicy.classify(new IllegalStateException("boom"))).isEqualTo(Failure.OTHER);
	}

	@Test
	void anIoFailureBeforeTheRequestWasWrittenWasNotSent() {
		IOException acquire = new IOException("pool handed out closed connections");
		assertThat(RetryPolicy.classify(acquire, true)).isEqualTo(Failure.OTHER);
		assertThat(RetryPolicy.classify(acquire, false)).isEqualTo(Failure.NOT_SENT);
		// a response timeout is never an I/O failure before writing
		assertThat(RetryPolicy.classify(ReadTimeoutException.INSTANCE, false)).isEqualTo(Failure.OTHER);
	}

	@Test
	void replayableRequestsAreIdempotentOrCarryAKey() {
		assertThat(RetryPolicy.isReplayable(HttpMethod.GET, new HttpHeaders())).isTrue();
		assertThat(RetryPolicy.isReplayable(HttpMethod.PUT, new HttpHeaders())).isTrue();
		assertThat(RetryPolicy.isReplayable(HttpMethod.POST, new HttpHeaders())).isFalse();
		HttpHeaders keyed = new HttpHeaders();
		keyed.add(RetryPolicy.IDEMPOTENCY_KEY, "order-1");
		assertThat(RetryPolicy.isReplayable(HttpMethod.POST, keyed)).isTrue();
		assertThat(RetryPolicy.isSafeOnNextInstance(Failure.NOT_SENT, false)).isTrue();
		assertThat(RetryPolicy.isSafeOnNextInstance(Failure.CLOSED_BEFORE_RESPONSE, false)).isFalse();
		assertThat(RetryPolicy.isSafeOnNextInstance(Failure.CLOSED_BEFORE_RESPONSE, true)).isTrue();
		assertThat(RetryPolicy.isSafeOnNextInstance(Failure.POOL_EXHAUSTED, true)).isFalse();
	}

	@Test
	void budgetBoundsRetriesAndTheListenerCountsEachDecision() {
		Counts counts = new Counts();
		RetryBudget budget = new RetryBudget(0, 1, Duration.ofSeconds(1), () -> 5_000);
		RetryPolicy policy = new RetryPolicy(true, Duration.ZERO, budget, counts);
		assertThat(policy.retrySameInstance(Failure.CLOSED_BEFORE_RESPONSE, false)).isFalse();
		assertThat(policy.retrySameInstance(Failure.OTHER, true)).isFalse();
		assertThat(policy.retrySameInstance(Failure.NOT_SENT, true)).isTrue();
		assertThat(policy.retrySameInstance(Failure.NOT_SENT, true)).isFalse();
		assertThat(counts.retried).hasValue(1);
		assertThat(counts.denied).hasValue(1);
		assertThat(counts.notReplayable).hasValue(1);
		assertThat(new RetryPolicy(false, Duration.ZERO, budget, counts).retrySameInstance(Failure.NOT_SENT, true))
			.isFalse();
	}

	@Test
	void sameInstanceBackoffIsJitteredBetweenTheBackoffAndOneAndAHalfTimesIt() {
		RetryPolicy policy = new RetryPolicy(true, Duration.ofMillis(100), null, new Counts());
		Set<Duration> drawn = new HashSet<>();
		for (int i = 0; i < 200; i++) {
			Duration backoff = policy.sameInstanceBackoff();
			assertThat(backoff).isBetween(Duration.ofMillis(100), Duration.ofMillis(150));
			drawn.add(backoff);
		}
		assertThat(drawn).hasSizeGreaterThan(1);
		assertThat(new RetryPolicy(true, Duration.ZERO, null, new Counts()).sameInstanceBackoff()).isZero();
	}

	private static Throwable wrapped(Throwable cause) {
		return new WebClientRequestException(cause, HttpMethod.GET, java.net.URI.create("http://payments/"),
				new HttpHeaders());
	}

	private static final class Counts implements RetryPolicy.Listener {

		final AtomicInteger retried = new AtomicInteger();

		final AtomicInteger denied = new AtomicInteger();

		final AtomicInteger notReplayable = new AtomicInteger();

		@Override
		public void retried() {
			this.retried.incrementAndGet();
		}

		@Override
		public void deniedByBudget() {
			this.denied.incrementAndGet();
		}

		@Override
		public void notReplayable() {
			this.notReplayable.incrementAndGet();
		}

	}

}
