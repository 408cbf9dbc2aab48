package dev.hyperlane.boot.retry;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquirePendingLimitException;
import reactor.netty.internal.shaded.reactor.pool.PoolAcquireTimeoutException;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * The retry policy of one downstream service, the one every layer asks before it sends a request again (the HTTP
 * client on a fresh connection to the same instance, the load balancer on another instance, and later hedged
 * requests). Modelled on Spring Cloud LoadBalancer's {@code LoadBalancerRetryPolicy} (same instance, next instance,
 * methods, exceptions), with a retry budget in the place of fixed attempt counts. It answers three questions:
 * <ul>
 * <li>what the failure did ({@link #classify(Throwable, boolean)}, on exception types: a connection that was never
 * made, one that closed before the response, an exhausted pool, anything else);</li>
 * <li>whether the request may be sent twice ({@link #isReplayable(HttpMethod, HttpHeaders)}: an idempotent method of
 * RFC 9110 section 9.2.2, GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or an {@value #IDEMPOTENCY_KEY} header);</li>
 * <li>whether the service may afford it ({@link #tryAcquire()} on its {@link RetryBudget}, to which every first
 * attempt is {@linkplain #record() recorded}).</li>
 * </ul>
 * The backoff before a retry on the same instance is jittered as Reactor's {@link Retry#backoff(long, Duration)} with
 * a jitter of {@value #JITTER} ({@link #sameInstanceBackoff()}: between the backoff and one and a half times it).
 * Thread-safe.
 */
public final class RetryPolicy {

	/**
	 * The header that makes any request replayable: the peer answers a repeated key with the first answer.
	 */
	public static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	/**
	 * The jitter factor of the backoff, as Reactor's {@link RetryBackoffSpec#jitter(double)} takes it.
	 */
	public static final double JITTER = 0.5;

	private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
			HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

	private static final Listener NO_LISTENER = new Listener() {
	};

	private final boolean sameInstance;

	private final Duration backoff;

	private final @Nullable RetryBudget budget;

	private final Listener listener;

	/**
	 * Create a policy.
	 * @param sameInstance whether a failed request may be retried on a fresh connection to the same instance (the
	 * HTTP client's {@code retry.enabled})
	 * @param backoff the backoff before that retry, before jitter
	 * @param budget the service's retry budget, or {@code null} for none (the caller bounds retries itself)
	 * @param listener told about every decision, for the service's live figures
	 */
	public RetryPolicy(boolean sameInstance, Duration backoff, @Nullable RetryBudget budget, Listener listener) {
		this.sameInstance = sameInstance;
		this.backoff = backoff;
		this.budget = budget;
		this.listener = listener;
	}

	/**
	 * Return a policy without a budget that never retries on the same instance: what the load balancer uses when
	 * no HTTP client policy is known for a service.
	 * @return the policy
	 */
	public static RetryPolicy unbudgeted() {
		return new RetryPolicy(false, Duration.ZERO, null, NO_LISTENER);
	}

	/**
	 * Classify a failure by the types of the exception and its causes: a refused connection, a connect timeout or
	 * no route (Netty's {@code ConnectTimeoutException} and {@code AnnotatedConnectException} are
	 * {@link ConnectException}s) is {@link Failure#NOT_SENT}; a {@link PrematureCloseException}, another
	 * {@link SocketException} or what Reactor Netty's {@link AbortedException#isConnectionReset(Throwable)} calls a
	 * reset is {@link Failure#CLOSED_BEFORE_RESPONSE}; Reactor Netty's pending-acquire limit and acquire timeout
	 * are {@link Failure#POOL_EXHAUSTED}. Any other {@link IOException} of a request that was never written is
	 * {@link Failure#NOT_SENT} as well.
	 * @param failure the failure
	 * @param written whether the request may have been written (see {@link ServiceAttempt#written()}); pass
	 * {@code true} when it is not known
	 * @return what the failure did
	 */
	public static Failure classify(Throwable failure, boolean written) {
		if (causedBy(failure, (cause) -> cause instanceof PoolAcquirePendingLimitException
				|| cause instanceof PoolAcquireTimeoutException)) {
			return Failure.POOL_EXHAUSTED;
		}
		if (causedBy(failure, (cause) -> cause instanceof ConnectException || cause instanceof NoRouteToHostException)) {
			return Failure.NOT_SENT;
		}
		if (causedBy(failure, (cause) -> cause instanceof PrematureCloseException || cause instanceof SocketException
				|| AbortedException.isConnectionReset(cause))) {
			return Failure.CLOSED_BEFORE_RESPONSE;
		}
		if (!written && causedBy(failure, IOException.class::isInstance)) {
			return Failure.NOT_SENT;
		}
		return Failure.OTHER;
	}

	/**
	 * Classify a failure whose request may have been written.
	 * @param failure the failure
	 * @return what the failure did
	 * @see #classify(Throwable, boolean)
	 */
	public static Failure classify(Throwable failure) {
		return classify(failure, true);
	}

	/**
	 * Return whether a request may be sent twice.
	 * @param method the request method
	 * @param headers the request headers
	 * @return {@code true} for an idempotent method or an {@value #IDEMPOTENCY_KEY} header
	 */
	public static boolean isReplayable(HttpMethod method, HttpHeaders headers) {
		return isReplayable(method, headers.containsHeader(IDEMPOTENCY_KEY));
	}

	/**
	 * Return whether a request may be sent twice.
	 * @param method the request method
	 * @param idempotencyKey whether it carries an {@value #IDEMPOTENCY_KEY} header
	 * @return {@code true} for an idempotent method or a key
	 */
	public static boolean isReplayable(HttpMethod method, boolean idempotencyKey) {
		return idempotencyKey || IDEMPOTENT.contains(method);
	}

	/**
	 * Record a first attempt (never a retry or a hedge) in the budget: each one earns the service a share of a retry.
	 */
	public void record() {
		if (this.budget != null) {
			this.budget.record();
		}
	}

	/**
	 * Take one retry from the service's budget if there is one left, and count the answer.
	 * @return {@code true} when the retry may go ahead (always without a budget)
	 */
	public boolean tryAcquire() {
		if (this.budget == null || this.budget.tryAcquire()) {
			this.listener.retried();
			return true;
		}
		this.listener.deniedByBudget();
		return false;
	}

	/**
	 * Take one hedge from the service's retry budget if there is one left ({@link RetryBudget#tryAcquireHedge}): a
	 * hedge spends from the account retries spend from, so once retries have used the budget no hedge is sent, and
	 * the other way round. Not counted as a retry in the listener's figures (the hedging counts its own).
	 * @param percent share of requests that may be hedged, 0 to 100
	 * @return {@code true} when the hedge may go ahead; always {@code false} without a budget (an unbounded hedge
	 * could double the load on a slow service)
	 */
	public boolean tryHedge(double percent) {
		return this.budget != null && this.budget.tryAcquireHedge(percent);
	}

	/**
	 * Decide a retry on a fresh connection to the same instance: allowed when the policy retries on the same
	 * instance, the failure was {@link Failure#NOT_SENT} or {@link Failure#CLOSED_BEFORE_RESPONSE}, the request is
	 * replayable and the budget has a retry left (taken).
	 * @param failure what the failure did
	 * @param replayable whether the request may be sent twice
	 * @return whether to retry
	 */
	public boolean retrySameInstance(Failure failure, boolean replayable) {
		if (!this.sameInstance || (failure != Failure.NOT_SENT && failure != Failure.CLOSED_BEFORE_RESPONSE)) {
			return false;
		}
		if (!replayable) {
			this.listener.notReplayable();
			return false;
		}
		return tryAcquire();
	}

	/**
	 * Return whether a failed request is safe to send to another instance: nothing was sent, or the connection
	 * closed before any response and the request is replayable. The caller then takes the retry with
	 * {@link #tryAcquire()}.
	 * @param failure what the failure did
	 * @param replayable whether the request may be sent twice
	 * @return whether another instance may get the request
	 */
	public static boolean isSafeOnNextInstance(Failure failure, boolean replayable) {
		return failure == Failure.NOT_SENT || (replayable && failure == Failure.CLOSED_BEFORE_RESPONSE);
	}

	/**
	 * Return the wait before the one retry on the same instance: the configured backoff plus a jitter of up to
	 * {@value #JITTER} times it, drawn for each retry, as Reactor's {@link Retry#backoff(long, Duration)} with
	 * {@link RetryBackoffSpec#jitter(double) jitter(0.5)} draws its first backoff (whole milliseconds, from the
	 * backoff up to one and a half times it); zero without a backoff.
	 * @return the wait
	 */
	public Duration sameInstanceBackoff() {
		long millis = this.backoff.toMillis();
		long jitter = (long) (millis * JITTER);
		return (jitter > 0) ? Duration.ofMillis(millis + ThreadLocalRandom.current().nextLong(jitter))
				: this.backoff;
	}

	/**
	 * Return whether a failure or one of its causes is of a kind.
	 * @param failure the failure
	 * @param type the test
	 * @return {@code true} when any cause passes
	 */
	public static boolean causedBy(Throwable failure, Predicate<Throwable> type) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (type.test(cause)) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Told about each retry decision of a policy, for a service's live figures. Every method does nothing unless
	 * overridden.
	 */
	public interface Listener {

		/**
		 * A retry went ahead.
		 */
		default void retried() {
		}

		/**
		 * The budget refused a retry.
		 */
		default void deniedByBudget() {
		}

		/**
		 * A retry was refused because the request may not be sent twice.
		 */
		default void notReplayable() {
		}

	}

}
