package dev.hyperlane.boot.deadline;

import dev.hyperlane.boot.ScrapedMeters;
import dev.hyperlane.boot.deadline.DeadlineStatistics.Count;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes {@link DeadlineStatistics} as Micrometer function counters (read when scraped, nothing per request):
 * <ul>
 * <li>{@code hyperlane.deadline.requests}, tag {@code outcome}: {@code expired-on-arrival} (answered 504 before the
 * handler ran), {@code ended-by-deadline} (the deadline passed while handling);</li>
 * <li>{@code hyperlane.deadline.calls}, tag {@code outcome}: {@code not-started} (a downstream call not sent as the
 * deadline had passed), {@code cancelled} (a downstream call cut when it passed).</li>
 * </ul>
 */
public final class DeadlineMeters extends ScrapedMeters<DeadlineStatistics> {

	/**
	 * Create the meters.
	 * @param statistics the figures read
	 */
	public DeadlineMeters(DeadlineStatistics statistics) {
		super(statistics);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		outcome(registry, "hyperlane.deadline.requests", "expired-on-arrival", Count.EXPIRED_ON_ARRIVAL,
				"Requests answered 504 before their handler ran, their deadline having passed on arrival");
		outcome(registry, "hyperlane.deadline.requests", "ended-by-deadline", Count.ENDED_BY_DEADLINE,
				"Requests whose deadline passed while they were handled");
		outcome(registry, "hyperlane.deadline.calls", "not-started", Count.CALLS_NOT_STARTED,
				"Downstream calls not sent because the deadline had passed");
		outcome(registry, "hyperlane.deadline.calls", "cancelled", Count.CALLS_CANCELLED,
				"Downstream calls cancelled when the deadline passed");
	}

	private void outcome(MeterRegistry registry, String name, String outcome, Count count, String description) {
		counter(registry, name, Tags.of("outcome", outcome), source().counts(), count, description);
	}

}
