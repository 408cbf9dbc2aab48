package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;

/**
 * Publishes each hedged service's counts as the function counter {@code hyperlane.loadbalancer.hedges}, tags
 * {@code service} and {@code outcome} ({@code sent}, {@code won}, {@code refused} by the budget), added when a
 * service is first hedged (read when scraped, nothing per call).
 */
public final class HedgingMeters implements MeterSource {

	private static final String DESCRIPTION = "Hedged requests: sent, won (answered first), refused by the hedging budget";

	private final Hedges hedges;

	/**
	 * Create the meters.
	 * @param hedges the hedging read
	 */
	public HedgingMeters(Hedges hedges) {
		this.hedges = hedges;
	}

	@Override
	public List<ScrapedMeter<?>> meters() {
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		this.hedges.services().forEach((id, hedging) -> {
			meters.add(counter(id, "sent", hedging, ServiceHedging.Count.HEDGES_SENT));
			meters.add(counter(id, "won", hedging, ServiceHedging.Count.HEDGES_WON));
			meters.add(counter(id, "refused", hedging, ServiceHedging.Count.BUDGET_REFUSALS));
		});
		return meters;
	}

	@Override
	public void onMetersAdded(Runnable action) {
		this.hedges.onCreated(action);
	}

	private static ScrapedMeter<?> counter(String service, String outcome, ServiceHedging hedging,
			ServiceHedging.Count count) {
		return ScrapedMeter.counter("hyperlane.loadbalancer.hedges", Map.of("service", service, "outcome", outcome),
				hedging.counts(), count, DESCRIPTION);
	}

}
