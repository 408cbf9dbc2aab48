package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.function.IntFunction;

import dev.hyperlane.boot.retry.Failure;
import dev.hyperlane.boot.retry.RetryPolicy;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.PrematureCloseException;

/**
 * The one retry of a request on a fresh connection to the same instance, shared by the reactive connector and the
 * blocking request factory, which extend it with what they know of the request: the service's {@link RetryPolicy}
 * decides, the policy's jittered backoff waits, and the service's {@link ClientStatistics} count premature closes
 * and exhausted pools. An exhausted pool fails at once with a {@link ConnectionPoolExhaustedException}; when the
 * retry fails too, its failure carries the first one as suppressed. No retry starts once the request's deadline has
 * passed (checked when the retry is decided and again after the backoff); the first failure is then raised as it
 * is. A request that succeeds goes through one operator and no other object than this one; the retry's operators
 * are built only when a retry is decided.
 */
abstract class SameInstanceRetry {

	/** The service's client, which the request is sent with. */
	final ServiceClient client;

	/**
	 * Create the retry of one request.
	 * @param client the service's client
	 */
	SameInstanceRetry(ServiceClient client) {
		this.client = client;
	}

	/**
	 * Return whether the request may be sent twice, asked after the first attempt failed.
	 * @return {@code true} for a replayable request
	 */
	abstract boolean replayable();

	/**
	 * Return whether the request may have been written, asked after the first attempt failed.
	 * @return {@code true} when it may have reached the peer
	 */
	abstract boolean written();

	/**
	 * Return whether the request's deadline has passed.
	 * @return always {@code false} without a deadline
	 */
	abstract boolean expired();

	/**
	 * Run the request, retried once when the policy allows.
	 * @param <T> the response type
	 * @param attempt the attempt, given {@code 0} for the first (on the pool) and {@code 1} for the retry (on a
	 * fresh connection)
	 * @param scheduler where the backoff waits and the retry runs, or {@code null} for Reactor's parallel scheduler
	 * @return the response
	 */
	final <T> Mono<T> run(IntFunction<Mono<T>> attempt, @Nullable Scheduler scheduler) {
		return attempt.apply(0).onErrorResume((error) -> retry(error, attempt, scheduler));
	}

	private <T> Mono<T> retry(Throwable error, IntFunction<Mono<T>> attempt, @Nullable Scheduler scheduler) {
		Throwable first = exhausted(error);
		if (!decide(first)) {
			return Mono.error(first);
		}
		Mono<T> again = Mono.defer(() -> expired()
				// the deadline passed during the backoff
				? Mono.<T>error(first) : attempt.apply(1))
			.onErrorMap((failure) -> withFirst(failure, first));
		Duration backoff = this.client.retryPolicy().sameInstanceBackoff();
		if (backoff.isZero()) {
			return again;
		}
		return Mono.delay(backoff, (scheduler != null) ? scheduler : Schedulers.parallel()).then(again);
	}

	private Throwable exhausted(Throwable error) {
		if (RetryPolicy.classify(error) == Failure.POOL_EXHAUSTED) {
			this.client.statistics().counts().increment(ClientStatistics.Count.POOL_EXHAUSTED);
			return new ConnectionPoolExhaustedException(this.client.settings().service(), this.client.settings(),
					error);
		}
		return error;
	}

	private boolean decide(Throwable error) {
		if (RetryPolicy.causedBy(error, PrematureCloseException.class::isInstance)) {
			this.client.statistics().counts().increment(ClientStatistics.Count.PREMATURE_CLOSES);
		}
		if (expired()) {
			return false;
		}
		Failure failure = RetryPolicy.classify(error, written());
		return this.client.retryPolicy().retrySameInstance(failure, replayable());
	}

	private static Throwable withFirst(Throwable error, Throwable first) {
		if (first != error) {
			error.addSuppressed(first);
		}
		return error;
	}

}
