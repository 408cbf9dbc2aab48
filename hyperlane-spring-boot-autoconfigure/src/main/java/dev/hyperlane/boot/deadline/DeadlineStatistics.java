package dev.hyperlane.boot.deadline;

import dev.hyperlane.boot.Counts;

/**
 * What deadlines did since start, read by the endpoint's {@code deadline} section and by the meters. Thread-safe.
 */
public final class DeadlineStatistics {

	private final Counts<Count> counts = new Counts<>(Count.class);

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	/**
	 * What deadlines count, in the order the endpoint's {@code deadline} section shows it.
	 */
	public enum Count {

		/** Requests that arrived with a deadline (or got the default budget). */
		REQUESTS_WITH_DEADLINE,

		/** Requests answered 504 before their handler ran, because their deadline had passed on arrival. */
		EXPIRED_ON_ARRIVAL,

		/** Requests whose deadline passed while they were handled (answered 504, or cut if the answer had started). */
		ENDED_BY_DEADLINE,

		/** Downstream calls never sent because the deadline had passed. */
		CALLS_NOT_STARTED,

		/** Downstream calls cancelled when the deadline passed while they waited. */
		CALLS_CANCELLED

	}

}
