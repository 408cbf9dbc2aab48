package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import org.jspecify.annotations.Nullable;

/**
 * Every service's {@link ServiceHedging}, created on its first call when hedging is on for it
 * ({@code hyperlane.loadbalancer.services.<id>.hedging.enabled}, else {@code hyperlane.loadbalancer.hedging.enabled}).
 * Read by the hedging filter and the endpoint, and published as meters ({@link #meters()}). Hedging needs the retry
 * budgets of Hyperlane's HTTP client (every hedge is taken from the service's retry budget).
 */
public final class Hedges implements MeterSource {

	private final LoadBalancerSettings settings;

	private final HyperlaneLoadBalancers balancers;

	private final Map<String, Optional<ServiceHedging>> services = new ConcurrentHashMap<>();

	private volatile @Nullable Listener listener;

	/**
	 * Create the registry.
	 * @param balancers the balancers, whose settings configure hedging (checked when they were resolved) and whose
	 * latency data gives the delay
	 */
	public Hedges(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
		this.settings = balancers.settings();
	}

	/**
	 * Return whether any service may be hedged.
	 * @return {@code true} when hedging is on globally or for one service
	 */
	public boolean anyEnabled() {
		return this.settings.anyHedged();
	}

	/**
	 * Return the hedging of a service.
	 * @param serviceId the service id
	 * @return its hedging, or {@code null} when it is off for the service
	 */
	public @Nullable ServiceHedging service(String serviceId) {
		Optional<ServiceHedging> hedging = this.services.get(serviceId);
		if (hedging == null) {
			hedging = this.services.computeIfAbsent(serviceId, this::create);
			Listener listener = this.listener;
			if (listener != null && hedging.isPresent()) {
				listener.added(meters(serviceId, hedging.get()));
			}
		}
		return hedging.orElse(null);
	}

	/**
	 * Return each hedged service's counts as the function counter {@code hyperlane.loadbalancer.hedges}, tags
	 * {@code service} and {@code outcome} ({@code sent}, {@code won}, {@code refused} by the budget).
	 * @return the meters of the services hedged so far
	 */
	@Override
	public List<ScrapedMeter<?>> meters() {
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		services().forEach((id, hedging) -> meters.addAll(meters(id, hedging)));
		return meters;
	}

	private static List<ScrapedMeter<?>> meters(String service, ServiceHedging hedging) {
		return List.of(hedges(service, "sent", hedging, ServiceHedging.Count.HEDGES_SENT),
				hedges(service, "won", hedging, ServiceHedging.Count.HEDGES_WON),
				hedges(service, "refused", hedging, ServiceHedging.Count.BUDGET_REFUSALS));
	}

	private static ScrapedMeter<?> hedges(String service, String outcome, ServiceHedging hedging,
			ServiceHedging.Count count) {
		return ScrapedMeter.counter("hyperlane.loadbalancer.hedges", Map.of("service", service, "outcome", outcome),
				hedging.counts(), count, "Hedged requests: sent, won (answered first), refused by the hedging budget");
	}

	/**
	 * Tell the listener of a service's meters when the service is first hedged (meters are never removed).
	 * @param listener the listener
	 */
	@Override
	public void onMetersChanged(Listener listener) {
		this.listener = listener;
	}

	private Optional<ServiceHedging> create(String serviceId) {
		LoadBalancerSettings.Service service = this.settings.service(serviceId);
		if (!service.hedged()) {
			return Optional.empty();
		}
		return Optional.of(new ServiceHedging(service.hedgingDelay(),
				this.balancers.service(serviceId).recentLatencies(),
				this.settings.require(LoadBalancerSettings.HEDGING_BUDGET_PERCENT)));
	}

	/**
	 * Return the services hedged so far, by id.
	 * @return the hedging of each
	 */
	public Map<String, ServiceHedging> services() {
		Map<String, ServiceHedging> hedged = new TreeMap<>();
		this.services.forEach((id, hedging) -> hedging.ifPresent((present) -> hedged.put(id, present)));
		return hedged;
	}

}
