package dev.hyperlane.boot.deadline;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import dev.hyperlane.boot.deadline.DeadlineStatistics.Count;

/**
 * Publishes {@link DeadlineStatistics} as function counters (read when scraped, nothing per request):
 * <ul>
 * <li>{@code hyperlane.deadline.requests}, tag {@code outcome}: {@code expired-on-arrival} (answered 504 before the
 * handler ran), {@code ended-by-deadline} (the deadline passed while handling);</li>
 * <li>{@code hyperlane.deadline.calls}, tag {@code outcome}: {@code not-started} (a downstream call not sent as the
 * deadline had passed), {@code cancelled} (a downstream call cut when it passed).</li>
 * </ul>
 */
public final class DeadlineMeters implements MeterSource {

	private final DeadlineStatistics statistics;

	/**
	 * Create the meters.
	 * @param statistics the figures read
	 */
	public DeadlineMeters(DeadlineStatistics statistics) {
		this.statistics = statistics;
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
		return ScrapedMeter.counter(name, Map.of("outcome", outcome), this.statistics.counts(), count, description);
	}

}
