package dev.hyperlane.boot.retry;

import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * One attempt of a call to a service, carried in the Reactor context from the load balancer's exchange filter down
 * to the HTTP client's connector: the service the application called (the host of {@code http://payments/...},
 * which the balancer rewrote to an instance's address), so the connector runs the attempt on that service's
 * connection pool, settings and retry budget; and whether the connector wrote the request, so a failure before
 * anything was written is known to be safe to send to another instance whatever its exception type; and whether it
 * repeats a call already counted (a retry on another instance, a hedge), which the HTTP client then does not record
 * in the retry budget again. It also keeps the attempt's round trip, from the moment the HTTP client took the request
 * for the instance's connection pool to the moment the response headers arrived ({@link #roundTripNanos()}): the
 * instance's latency, without the time the call spent in the caller before (the choice, the exchange filters),
 * which the load balancer's latency estimates must not count
 * against the instance; the wait for one of the instance's pooled connections is counted, as that queue is the
 * instance's. Thread-safe.
 * <p>
 * The load balancer's attempt extends it with what the balancer keeps of the same attempt (the instance chosen, the
 * exchange the filter chain sends it through), so one object per attempt serves the balancer and the HTTP client;
 * what is recorded here is final.
 */
public class ServiceAttempt {

	private static final Object KEY = ServiceAttempt.class;

	private final String serviceId;

	private final boolean repeat;

	private volatile boolean reachedConnector;

	private volatile boolean written;

	private volatile long startNanos;

	private volatile long headersNanos;

	/**
	 * Create the first attempt of a call.
	 * @param serviceId the service id
	 */
	public ServiceAttempt(String serviceId) {
		this(serviceId, false);
	}

	/**
	 * Create an attempt.
	 * @param serviceId the service id
	 * @param repeat whether it repeats a call already recorded in the retry budget (a retry on another instance or a
	 * hedge), so that the budget counts each call once
	 */
	public ServiceAttempt(String serviceId, boolean repeat) {
		this.serviceId = serviceId;
		this.repeat = repeat;
	}

	/**
	 * Return the attempt carried by a Reactor context.
	 * @param context the subscriber's context
	 * @return the attempt, or {@code null} when the call is not load balanced
	 */
	public static @Nullable ServiceAttempt from(ContextView context) {
		Object attempt = context.getOrDefault(KEY, null);
		return (attempt instanceof ServiceAttempt serviceAttempt) ? serviceAttempt : null;
	}

	/**
	 * Return a function that puts this attempt into a Reactor context, for {@code contextWrite}.
	 * @return the function
	 */
	public final Function<Context, Context> into() {
		return (context) -> context.put(KEY, this);
	}

	/**
	 * Return the service id.
	 * @return the id
	 */
	public final String serviceId() {
		return this.serviceId;
	}

	/**
	 * Return whether the attempt repeats a call already recorded in the retry budget.
	 * @return {@code true} for a retry on another instance or a hedge
	 */
	public final boolean repeat() {
		return this.repeat;
	}

	/**
	 * Record that the HTTP client started the attempt (it reports {@link #written()} from now on).
	 */
	public final void connecting() {
		this.startNanos = System.nanoTime();
		this.reachedConnector = true;
	}

	/**
	 * Record that the HTTP client is writing the request (again, on a fresh connection, when it retries).
	 */
	public final void writing() {
		this.headersNanos = 0;
		this.written = true;
	}

	/**
	 * Record that the response headers arrived.
	 */
	public final void answered() {
		if (this.written) {
			this.headersNanos = System.nanoTime();
		}
	}

	/**
	 * Return the round trip of the request: from the HTTP client taking it for the instance's connection pool to its
	 * response headers.
	 * @return nanoseconds, or -1 when the request was not written or no response headers arrived
	 */
	public final long roundTripNanos() {
		long headers = this.headersNanos;
		return (this.reachedConnector && this.written && headers != 0) ? Math.max(0, headers - this.startNanos) : -1;
	}

	/**
	 * Return whether the request may have been written, as far as is known: {@code true} unless the HTTP client
	 * started the attempt and never began to write the request.
	 * @return whether the request may have reached the peer
	 */
	public final boolean written() {
		return !this.reachedConnector || this.written;
	}

}
