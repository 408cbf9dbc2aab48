package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.InstanceMembership;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import dev.hyperlane.boot.loadbalancer.InstanceState;
import dev.hyperlane.boot.loadbalancer.ServiceBalancer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * Publishes the load balancer's per-instance figures as Micrometer meters, read from the public getters of
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
 * Meters are bound when the registry is bound and when an instance is first listed, and removed from the registries
 * when the instance leaves its service's list ({@link InstanceMembership}, told once per change of a list):
 * instance addresses churn with every deployment, and the meters follow the instances listed now. Nothing runs per
 * request: as a Spring Cloud {@code LoadBalancerLifecycle} called with every choice (as it was), it cost each call a
 * completion context and response data of its own (about 0.5 KB on S4, benchmarks/README.md).
 */
public final class LoadBalancerMeters implements MeterBinder, InstanceMembership {

	static final String PREFIX = "hyperlane.loadbalancer.instance";

	private final HyperlaneLoadBalancers balancers;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Map<String, List<Meter>> bound = new ConcurrentHashMap<>();

	/**
	 * Create the meters.
	 * @param balancers the balancers to read
	 */
	public LoadBalancerMeters(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.bound.clear();
		bindKnown();
	}

	@Override
	public void arrived(String serviceId, String host, int port) {
		bind(serviceId, host + ":" + port);
	}

	/**
	 * Bind the meters of every instance the balancers know now.
	 */
	public void bindKnown() {
		this.balancers.services()
			.forEach((service, balancer) -> balancer.serviceInstances()
				.states()
				.keySet()
				.forEach((instance) -> bind(service, instance)));
	}

	@Override
	public void departed(String serviceId, String host, int port) {
		List<Meter> meters = this.bound.remove(serviceId + "|" + host + ":" + port);
		if (meters != null) {
			for (MeterRegistry registry : this.registries) {
				meters.forEach(registry::remove);
			}
		}
	}

	private void bind(String service, String instance) {
		String key = service + "|" + instance;
		if (this.bound.containsKey(key)) {
			return;
		}
		List<Meter> meters = new CopyOnWriteArrayList<>();
		if (this.bound.putIfAbsent(key, meters) != null) {
			return;
		}
		Tags tags = Tags.of("service", service, "address", instance);
		ServiceBalancer balancer = this.balancers.service(service);
		for (MeterRegistry registry : this.registries) {
			meters.addAll(bind(registry, balancer, instance, tags));
		}
	}

	private static List<Meter> bind(MeterRegistry registry, ServiceBalancer balancer, String instance, Tags tags) {
		List<Meter> meters = new ArrayList<>();
		for (State what : State.values()) {
			String name = PREFIX + "." + what.suffix;
			meters.add(what.counter
					? FunctionCounter.builder(name, balancer, (b) -> read(b, instance, what))
						.tags(tags)
						.description(what.description)
						.register(registry)
					: Gauge.builder(name, balancer, (b) -> read(b, instance, what))
						.tags(tags)
						.baseUnit(what.baseUnit)
						.description(what.description)
						.register(registry));
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
