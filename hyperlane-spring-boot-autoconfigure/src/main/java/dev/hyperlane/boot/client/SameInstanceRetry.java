package dev.hyperlane.boot.client;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

import dev.hyperlane.boot.retry.Failure;
import dev.hyperlane.boot.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.netty.http.client.PrematureCloseException;
import reactor.util.retry.RetryBackoffSpec;

/**
 * The one retry of a request on a fresh connection to the same instance, shared by the reactive connector and the
 * blocking request factory: the service's {@link RetryPolicy} decides, Reactor's backoff waits, and the service's
 * {@link ClientStatistics} count premature closes and exhausted pools. An exhausted pool fails at once with a
 * {@link ConnectionPoolExhaustedException}; when the retry fails too, its failure carries the first one as
 * suppressed. No retry starts once the request's deadline has passed (checked when the retry is decided and again
 * after the backoff); the first failure is then raised as it is.
 */
final class SameInstanceRetry {

	private final ServiceClient client;

	private final BooleanSupplier replayable;

	private final BooleanSupplier written;

	private final BooleanSupplier expired;

	private final AtomicInteger attempts = new AtomicInteger();

	private volatile @Nullable Throwable first;

	/**
	 * Create the retry of one request.
	 * @param client the service's client
	 * @param replayable whether the request may be sent twice, asked after the first attempt failed
	 * @param written whether the request may have been written, asked after the first attempt failed
	 * @param expired whether the request's deadline has passed (always {@code false} without one)
	 */
	SameInstanceRetry(ServiceClient client, BooleanSupplier replayable, BooleanSupplier written,
			BooleanSupplier expired) {
		this.client = client;
		this.replayable = replayable;
		this.written = written;
		this.expired = expired;
	}

	/**
	 * Run the request, retried once when the policy allows.
	 * @param <T> the response type
	 * @param attempt the attempt, given {@code 0} for the first (on the pool) and {@code 1} for the retry (on a
	 * fresh connection)
	 * @param scheduler where the backoff waits and the retry runs, or {@code null} for Reactor's default
	 * @return the response
	 */
	<T> Mono<T> run(IntFunction<Mono<T>> attempt, @Nullable Scheduler scheduler) {
		RetryBackoffSpec retry = this.client.retryPolicy().sameInstanceRetry(this::retry);
		return Mono.defer(() -> {
			int number = this.attempts.getAndIncrement();
			Throwable first = this.first;
			if (number > 0 && first != null && this.expired.getAsBoolean()) {
				// the deadline passed during the backoff
				return Mono.error(first);
			}
			return attempt.apply(number);
		})
			.onErrorMap(this::exhausted)
			.retryWhen((scheduler != null) ? retry.scheduler(scheduler) : retry)
			.onErrorMap(this::withFirst);
	}

	private Throwable exhausted(Throwable error) {
		if (this.attempts.get() == 1 && RetryPolicy.classify(error) == Failure.POOL_EXHAUSTED) {
			this.client.statistics().poolExhausted.increment();
			return new ConnectionPoolExhaustedException(this.client.settings().service(), this.client.settings(),
					error);
		}
		return error;
	}

	private boolean retry(Throwable error) {
		if (this.attempts.get() != 1) {
			return false;
		}
		this.first = error;
		if (RetryPolicy.causedBy(error, PrematureCloseException.class::isInstance)) {
			this.client.statistics().prematureCloses.increment();
		}
		if (this.expired.getAsBoolean()) {
			return false;
		}
		Failure failure = RetryPolicy.classify(error, this.written.getAsBoolean());
		return this.client.retryPolicy().retrySameInstance(failure, this.replayable.getAsBoolean());
	}

	private Throwable withFirst(Throwable error) {
		Throwable first = this.first;
		if (first != null && first != error) {
			error.addSuppressed(first);
		}
		return error;
	}

}
