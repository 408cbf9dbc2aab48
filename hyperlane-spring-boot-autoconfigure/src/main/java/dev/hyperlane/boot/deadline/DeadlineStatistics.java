package dev.hyperlane.boot.deadline;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;

/**
 * What deadlines did since start, read by the endpoint's {@code deadline} section and published as function
 * counters (read when scraped, nothing per request):
 * <ul>
 * <li>{@code hyperlane.deadline.requests}, tag {@code outcome}: {@code expired-on-arrival} (answered 504 before the
 * handler ran), {@code ended-by-deadline} (the deadline passed while handling);</li>
 * <li>{@code hyperlane.deadline.calls}, tag {@code outcome}: {@code not-started} (a downstream call not sent as the
 * deadline had passed), {@code cancelled} (a downstream call cut when it passed).</li>
 * </ul>
 * Thread-safe.
 */
public final class DeadlineStatistics implements MeterSource {

	private final Counts<Count> counts = new Counts<>(Count.class);

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	@Override
	public List<ScrapedMeter<?>> meters() {
		return List.of(
				outcome("hyperlane.deadline.requests", "expired-on-arrival", Count.EXPIRED_ON_ARRIVAL,
						"Requests answered 504 before their handler ran, their deadline having passed on arrival"),
				outcome("hyperlane.deadline.requests", "ended-by-deadline", Count.ENDED_BY_DEADLINE,
						"Requests whose deadline passed while they were handled"),
				outcome("hyperlane.deadline.calls", "not-started", Count.CALLS_NOT_STARTED,
						"Downstream calls not sent because the deadline had passed"),
				outcome("hyperlane.deadline.calls", "cancelled", Count.CALLS_CANCELLED,
						"Downstream calls cancelled when the deadline passed"));
	}

	private ScrapedMeter<?> outcome(String name, String outcome, Count count, String description) {
		return ScrapedMeter.counter(name, Map.of("outcome", outcome), this.counts, count, description);
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
