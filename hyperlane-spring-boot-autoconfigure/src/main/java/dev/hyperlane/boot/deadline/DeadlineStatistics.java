package dev.hyperlane.boot.deadline;

import java.util.concurrent.atomic.LongAdder;

/**
 * What deadlines did since start, read by the endpoint's {@code deadline} section and by the meters. Thread-safe.
 */
public final class DeadlineStatistics {

	final LongAdder requestsWithDeadline = new LongAdder();

	final LongAdder expiredOnArrival = new LongAdder();

	final LongAdder endedByDeadline = new LongAdder();

	final LongAdder callsNotStarted = new LongAdder();

	final LongAdder callsCancelled = new LongAdder();

	/**
	 * Return the requests that arrived with a deadline (or got the default budget).
	 * @return the count
	 */
	public long requestsWithDeadline() {
		return this.requestsWithDeadline.sum();
	}

	/**
	 * Return the requests answered 504 before their handler ran, because their deadline had passed on arrival.
	 * @return the count
	 */
	public long expiredOnArrival() {
		return this.expiredOnArrival.sum();
	}

	/**
	 * Return the requests whose deadline passed while they were handled (answered 504, or cut if the answer had
	 * started).
	 * @return the count
	 */
	public long endedByDeadline() {
		return this.endedByDeadline.sum();
	}

	/**
	 * Return the downstream calls never sent because the deadline had passed.
	 * @return the count
	 */
	public long callsNotStarted() {
		return this.callsNotStarted.sum();
	}

	/**
	 * Return the downstream calls cancelled when the deadline passed while they waited.
	 * @return the count
	 */
	public long callsCancelled() {
		return this.callsCancelled.sum();
	}

}
