package dev.hyperlane.boot.loadbalancer;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.Counts;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes each hedged service's counts as the function counter {@code hyperlane.loadbalancer.hedges}, tags
 * {@code service} and {@code outcome} ({@code sent}, {@code won}, {@code refused} by the budget), bound when a
 * service is first hedged (read when scraped, nothing per call).
 */
public final class HedgingMeters implements MeterBinder {

	private final Hedges hedges;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Map<String, Boolean> bound = new ConcurrentHashMap<>();

	/**
	 * Create the meters.
	 * @param hedges the hedging read
	 */
	public HedgingMeters(Hedges hedges) {
		this.hedges = hedges;
		hedges.onCreated(this::bindKnown);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.bound.clear();
		bindKnown();
	}

	/**
	 * Bind the meters of services hedged since the last call.
	 */
	public void bindKnown() {
		this.hedges.services().forEach((id, hedging) -> {
			if (this.bound.putIfAbsent(id, Boolean.TRUE) == null) {
				for (MeterRegistry registry : this.registries) {
					counter(registry, id, "sent", hedging.counts(), ServiceHedging.Count.HEDGES_SENT);
					counter(registry, id, "won", hedging.counts(), ServiceHedging.Count.HEDGES_WON);
					counter(registry, id, "refused", hedging.counts(), ServiceHedging.Count.BUDGET_REFUSALS);
				}
			}
		});
	}

	private static void counter(MeterRegistry registry, String service, String outcome,
			Counts<ServiceHedging.Count> counts, ServiceHedging.Count count) {
		FunctionCounter.builder("hyperlane.loadbalancer.hedges", counts, (table) -> table.get(count))
			.tags("service", service, "outcome", outcome)
			.description("Hedged requests: sent, won (answered first), refused by the hedging budget")
			.register(registry);
	}

}
