package dev.hyperlane.boot.deadline;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes {@link DeadlineStatistics} as Micrometer function counters (read when scraped, nothing per request):
 * <ul>
 * <li>{@code hyperlane.deadline.requests}, tag {@code outcome}: {@code expired-on-arrival} (answered 504 before the
 * handler ran), {@code ended-by-deadline} (the deadline passed while handling);</li>
 * <li>{@code hyperlane.deadline.calls}, tag {@code outcome}: {@code not-started} (a downstream call not sent as the
 * deadline had passed), {@code cancelled} (a downstream call cut when it passed).</li>
 * </ul>
 */
public final class DeadlineMeters implements MeterBinder {

	private final DeadlineStatistics statistics;

	/**
	 * Create the meters.
	 * @param statistics the figures read
	 */
	public DeadlineMeters(DeadlineStatistics statistics) {
		this.statistics = statistics;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		counter(registry, "hyperlane.deadline.requests", "expired-on-arrival", DeadlineStatistics::expiredOnArrival,
				"Requests answered 504 before their handler ran, their deadline having passed on arrival");
		counter(registry, "hyperlane.deadline.requests", "ended-by-deadline", DeadlineStatistics::endedByDeadline,
				"Requests whose deadline passed while they were handled");
		counter(registry, "hyperlane.deadline.calls", "not-started", DeadlineStatistics::callsNotStarted,
				"Downstream calls not sent because the deadline had passed");
		counter(registry, "hyperlane.deadline.calls", "cancelled", DeadlineStatistics::callsCancelled,
				"Downstream calls cancelled when the deadline passed");
	}

	private void counter(MeterRegistry registry, String name, String outcome,
			ToDoubleFunction<DeadlineStatistics> value, String description) {
		FunctionCounter.builder(name, this.statistics, value)
			.tag("outcome", outcome)
			.description(description)
			.register(registry);
	}

}
