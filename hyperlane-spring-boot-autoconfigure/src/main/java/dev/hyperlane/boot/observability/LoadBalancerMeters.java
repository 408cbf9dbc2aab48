package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.hyperlane.boot.InstanceMembership;
import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import dev.hyperlane.boot.loadbalancer.InstanceState;
import dev.hyperlane.boot.loadbalancer.ServiceBalancer;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the load balancer's per-instance figures as meters, read from the public getters of
 * {@link ServiceBalancer} and {@link InstanceState} (the same objects the {@code loadbalancers} endpoint section
 * reads), tagged {@code service} and {@code address} (the instance's host:port; not {@code instance}, which
 * Prometheus sets to the scraped target):
 * <ul>
 * <li>{@code hyperlane.loadbalancer.instance.in.flight} (gauge, requests),</li>
 * <li>{@code hyperlane.loadbalancer.instance.latency} (gauge, seconds, the peak-EWMA latency the balancer
 * ranks by),</li>
 * <li>{@code hyperlane.loadbalancer.instance.successes}, {@code .failures}, {@code .ejections} (counters),</li>
 * <li>{@code hyperlane.loadbalancer.instance.ejected} (gauge, 1 while ejected, else 0).</li>
 * </ul>
 * The meters listed are those of every instance the balancers keep state for now; as the {@link InstanceMembership}
 * (told once per change of a list) it tells the binder of the meters of an instance first listed, and of those of
 * an instance that left its service's list, which the binder removes: instance addresses churn with every
 * deployment, and the meters follow the instances listed now. At most {@value #MAX_INSTANCES} instances of a service
 * have meters (those listed first; a place freed by a departure goes to the next instance to arrive), so a registry
 * listing thousands of instances of one service does not make six thousands of series; the {@code loadbalancers}
 * endpoint section shows every instance. Nothing runs per request: as a Spring Cloud
 * {@code LoadBalancerLifecycle} called with every choice (as it was), it cost each call a completion context and
 * response data of its own (about 0.5 KB on S4, benchmarks/README.md).
 */
public final class LoadBalancerMeters implements MeterSource, InstanceMembership {

	static final String PREFIX = "hyperlane.loadbalancer.instance";

	/**
	 * The most instances of one service with meters: six series each, 600 per service at most.
	 */
	static final int MAX_INSTANCES = 100;

	private final HyperlaneLoadBalancers balancers;

	/**
	 * The addresses with meters, per service.
	 */
	private final Map<String, Set<String>> metered = new ConcurrentHashMap<>();

	private volatile @Nullable Listener listener;

	/**
	 * Create the meters.
	 * @param balancers the balancers to read
	 */
	public LoadBalancerMeters(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	/**
	 * Return the meters of every instance the balancers keep state for now, six per instance.
	 * @return the meters
	 */
	@Override
	public List<ScrapedMeter<?>> meters() {
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		this.metered.forEach((service, instances) -> {
			ServiceBalancer balancer = this.balancers.service(service);
			instances.forEach((instance) -> meters.addAll(meters(service, balancer, instance)));
		});
		return meters;
	}

	@Override
	public void onMetersChanged(Listener listener) {
		this.listener = listener;
	}

	@Override
	public void arrived(String serviceId, String host, int port) {
		String instance = host + ":" + port;
		Set<String> instances = this.metered.computeIfAbsent(serviceId, (service) -> ConcurrentHashMap.newKeySet());
		synchronized (instances) {
			if (instances.size() >= MAX_INSTANCES || !instances.add(instance)) {
				return;
			}
		}
		Listener listener = this.listener;
		if (listener != null) {
			listener.added(meters(serviceId, this.balancers.service(serviceId), instance));
		}
	}

	@Override
	public void departed(String serviceId, String host, int port) {
		String instance = host + ":" + port;
		Set<String> instances = this.metered.get(serviceId);
		if (instances == null || !instances.remove(instance)) {
			return;
		}
		Listener listener = this.listener;
		if (listener != null) {
			listener.removed(meters(serviceId, this.balancers.service(serviceId), instance));
		}
	}

	private static List<ScrapedMeter<?>> meters(String service, ServiceBalancer balancer, String instance) {
		Map<String, String> tags = Map.of("service", service, "address", instance);
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		for (State what : State.values()) {
			meters.add(new ScrapedMeter<>(what.counter ? ScrapedMeter.Kind.COUNTER : ScrapedMeter.Kind.GAUGE,
					PREFIX + "." + what.suffix, tags, balancer, (b) -> read(b, instance, what), what.baseUnit,
					what.description));
		}
		return meters;
	}

	private static double read(ServiceBalancer balancer, String instance, State what) {
		// one look-up, not a copy of every state: a scrape reads six meters per instance
		InstanceState state = balancer.serviceInstances().find(instance);
		if (state == null) {
			return 0;
		}
		return switch (what) {
			case IN_FLIGHT -> state.inFlight();
			case LATENCY -> state.latencyNanos(System.nanoTime()) / 1e9;
			case EJECTED -> state.isEjected(System.nanoTime()) ? 1 : 0;
			case SUCCESSES -> state.successes();
			case FAILURES -> state.failures();
			case EJECTIONS -> state.ejections();
		};
	}

	/**
	 * Each figure: its meter name after the prefix, whether it is a counter (else a gauge), its unit and
	 * description.
	 */
	private enum State {

		IN_FLIGHT("in.flight", false, null, "Requests in flight on the instance"),

		LATENCY("latency", false, "seconds", "Peak-EWMA latency the balancer ranks the instance by"),

		EJECTED("ejected", false, null, "1 while the instance is ejected for consecutive failures, else 0"),

		SUCCESSES("successes", true, null, "Requests the instance answered"),

		FAILURES("failures", true, null, "Requests that failed on the instance (error, 5xx, 429)"),

		EJECTIONS("ejections", true, null, "Times the instance was ejected");

		private final String suffix;

		private final boolean counter;

		private final @Nullable String baseUnit;

		private final String description;

		State(String suffix, boolean counter, @Nullable String baseUnit, String description) {
			this.suffix = suffix;
			this.counter = counter;
			this.baseUnit = baseUnit;
			this.description = description;
		}

	}

}
