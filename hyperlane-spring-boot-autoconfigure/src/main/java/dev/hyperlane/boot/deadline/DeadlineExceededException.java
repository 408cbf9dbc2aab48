package dev.hyperlane.boot.deadline;

import java.time.Duration;

/**
 * Raised by a {@code WebClient} call made while handling a request whose deadline has passed: before the call
 * starts (it is then never sent) or while it waits (it is then cancelled). The server answers the request with
 * {@code 504 Gateway Timeout}.
 */
public class DeadlineExceededException extends RuntimeException {

	private final Duration budget;

	/**
	 * Create the exception.
	 * @param message what was cut short
	 * @param budget the budget the request being handled arrived with
	 */
	public DeadlineExceededException(String message, Duration budget) {
		super(message, null, false, false);
		this.budget = budget;
	}

	/**
	 * Return the budget the request being handled arrived with.
	 * @return the budget
	 */
	public Duration getBudget() {
		return this.budget;
	}

}
