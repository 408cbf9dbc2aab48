package dev.hyperlane.boot.client;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import reactor.netty.Metrics;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Registers Reactor Netty's connection pool gauges, one per {@link PoolSize}, under Reactor Netty's own names, tag
 * keys and address format, taken from its public constants
 * ({@link reactor.netty.Metrics#CONNECTION_PROVIDER_PREFIX} with {@code .total.connections},
 * {@code .active.connections}, {@code .idle.connections}, {@code .pending.connections}, {@code .max.connections},
 * {@code .max.pending.connections}; tags {@code id}, {@code name} = the pool, {@code remote.address} as
 * {@link reactor.netty.Metrics#formatSocketAddress}), so they are the meters Reactor Netty itself would register.
 * Reactor Netty's own registrar cannot do it here: a connection provider takes one
 * {@link reactor.netty.resources.ConnectionProvider.MeterRegistrar}, and the one the client installs also hands the
 * live pool to the endpoint ({@link PoolMetricsRegistrar}); Reactor Netty's registrar is package-private and would
 * record into Micrometer's global registry only. The number of remote addresses with meters is capped (default 100),
 * because addresses of unconfigured hosts are unbounded (reactor-netty #2591); pools past the cap still show in the
 * endpoint.
 */
final class MicrometerPoolMeterBinder implements PoolMeterBinder {

	static final String PREFIX = Metrics.CONNECTION_PROVIDER_PREFIX;

	private final Supplier<@Nullable MeterRegistry> registry;

	private final int maxPools;

	private final Map<String, Bound> meters = new ConcurrentHashMap<>();

	MicrometerPoolMeterBinder(MeterRegistry registry, int maxPools) {
		this(() -> registry, maxPools);
	}

	MicrometerPoolMeterBinder(Supplier<@Nullable MeterRegistry> registry, int maxPools) {
		this.registry = registry;
		this.maxPools = maxPools;
	}

	@Override
	public void bind(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		MeterRegistry registry = this.registry.get();
		if (registry == null || this.meters.size() >= this.maxPools) {
			return;
		}
		Tags tags = Tags.of(Metrics.ID, id, Metrics.NAME, poolName, Metrics.REMOTE_ADDRESS,
				Metrics.formatSocketAddress(remoteAddress));
		List<Meter> bound = new ArrayList<>();
		for (PoolSize size : PoolSize.values()) {
			bound.add(Gauge.builder(PREFIX + size.meter(), metrics, size::read).tags(tags).register(registry));
		}
		this.meters.put(key(poolName, id, remoteAddress), new Bound(registry, bound));
	}

	@Override
	public void unbind(String poolName, String id, SocketAddress remoteAddress) {
		Bound bound = this.meters.remove(key(poolName, id, remoteAddress));
		if (bound != null) {
			bound.meters().forEach(bound.registry()::remove);
		}
	}

	private record Bound(MeterRegistry registry, List<Meter> meters) {
	}

	private static String key(String poolName, String id, SocketAddress remoteAddress) {
		return poolName + "|" + id + "|" + remoteAddress;
	}

}
