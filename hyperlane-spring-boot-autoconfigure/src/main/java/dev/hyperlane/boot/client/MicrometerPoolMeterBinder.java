package dev.hyperlane.boot.client;

import java.net.SocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jspecify.annotations.Nullable;
import reactor.netty.Metrics;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Registers Reactor Netty's connection pool gauges under Reactor Netty's own names, tag keys and address format,
 * taken from its public constants ({@link reactor.netty.Metrics#CONNECTION_PROVIDER_PREFIX} with
 * {@code .total.connections}, {@code .active.connections}, {@code .idle.connections}, {@code .pending.connections},
 * {@code .max.connections}, {@code .max.pending.connections}; tags {@code id}, {@code name} = the pool,
 * {@code remote.address} as {@link reactor.netty.Metrics#formatSocketAddress}), so they are the meters Reactor Netty
 * itself would register. Reactor Netty's own registrar cannot do it here: a connection provider takes one
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
		List<Meter> bound = List.of(
				gauge(registry, Metrics.TOTAL_CONNECTIONS, tags, metrics, ConnectionPoolMetrics::allocatedSize),
				gauge(registry, Metrics.ACTIVE_CONNECTIONS, tags, metrics, ConnectionPoolMetrics::acquiredSize),
				gauge(registry, Metrics.IDLE_CONNECTIONS, tags, metrics, ConnectionPoolMetrics::idleSize),
				gauge(registry, Metrics.PENDING_CONNECTIONS, tags, metrics, ConnectionPoolMetrics::pendingAcquireSize),
				gauge(registry, Metrics.MAX_CONNECTIONS, tags, metrics, ConnectionPoolMetrics::maxAllocatedSize),
				gauge(registry, Metrics.MAX_PENDING_CONNECTIONS, tags, metrics,
						ConnectionPoolMetrics::maxPendingAcquireSize));
		this.meters.put(key(poolName, id, remoteAddress), new Bound(registry, bound));
	}

	@Override
	public void unbind(String poolName, String id, SocketAddress remoteAddress) {
		Bound bound = this.meters.remove(key(poolName, id, remoteAddress));
		if (bound != null) {
			bound.meters().forEach(bound.registry()::remove);
		}
	}

	private static Meter gauge(MeterRegistry registry, String suffix, Tags tags, ConnectionPoolMetrics metrics,
			ToDoubleFunction<ConnectionPoolMetrics> value) {
		return Gauge.builder(PREFIX + suffix, metrics, value).tags(tags).register(registry);
	}

	private record Bound(MeterRegistry registry, List<Meter> meters) {
	}

	private static String key(String poolName, String id, SocketAddress remoteAddress) {
		return poolName + "|" + id + "|" + remoteAddress;
	}

}
