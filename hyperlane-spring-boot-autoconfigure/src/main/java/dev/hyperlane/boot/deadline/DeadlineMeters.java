package dev.hyperlane.boot.deadline;

import java.util.function.ToDoubleFunction;

import dev.hyperlane.boot.ScrapedMeters;
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
		outcome(registry, "hyperlane.deadline.requests", "expired-on-arrival", DeadlineStatistics::expiredOnArrival,
				"Requests answered 504 before their handler ran, their deadline having passed on arrival");
		outcome(registry, "hyperlane.deadline.requests", "ended-by-deadline", DeadlineStatistics::endedByDeadline,
				"Requests whose deadline passed while they were handled");
		outcome(registry, "hyperlane.deadline.calls", "not-started", DeadlineStatistics::callsNotStarted,
				"Downstream calls not sent because the deadline had passed");
		outcome(registry, "hyperlane.deadline.calls", "cancelled", DeadlineStatistics::callsCancelled,
				"Downstream calls cancelled when the deadline passed");
	}

	private void outcome(MeterRegistry registry, String name, String outcome,
			ToDoubleFunction<DeadlineStatistics> value, String description) {
		counter(registry, name, Tags.of("outcome", outcome), source(), value, null, description);
	}

}
