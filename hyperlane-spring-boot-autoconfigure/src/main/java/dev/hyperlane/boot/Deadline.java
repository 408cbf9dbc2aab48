package dev.hyperlane.boot;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.util.context.ContextView;

/**
 * The moment by which the caller of the request being handled stops waiting, kept in the Reactor context of the
 * request (key: this class) by the server and read by every layer that calls another service on its behalf: the
 * {@code WebClient} filter that shortens each call and sends the time left downstream, and the load balancer that
 * starts no retry or hedge once it has passed. Times are {@link System#nanoTime()} values, so a deadline is only
 * meaningful inside the process that made it.
 *
 * @param expiresAtNanos the {@link System#nanoTime()} value at which the deadline passes
 * @param budget the budget the request arrived with (after the largest accepted was applied), for messages
 */
public record Deadline(long expiresAtNanos, Duration budget) {

	/**
	 * Create a deadline that passes a budget from now.
	 * @param budget the time the caller gives, zero or more
	 * @return the deadline
	 */
	public static Deadline after(Duration budget) {
		return new Deadline(System.nanoTime() + budget.toNanos(), budget);
	}

	/**
	 * Return the deadline of the request being handled, if any.
	 * @param context the Reactor context of the current subscription
	 * @return the deadline, or {@code null} when the request carried none (or the call is made outside a request)
	 */
	public static @Nullable Deadline of(ContextView context) {
		return context.getOrDefault(Deadline.class, null);
	}

	/**
	 * Return the time left.
	 * @return nanoseconds until the deadline; zero or negative once it has passed
	 */
	public long remainingNanos() {
		return this.expiresAtNanos - System.nanoTime();
	}

	/**
	 * Return whether the deadline has passed.
	 * @return {@code true} when no time is left
	 */
	public boolean expired() {
		return remainingNanos() <= 0;
	}

}
