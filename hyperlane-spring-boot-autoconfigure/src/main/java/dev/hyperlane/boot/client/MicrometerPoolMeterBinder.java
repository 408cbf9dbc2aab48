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
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Registers Reactor Netty's connection pool gauges ({@code reactor.netty.connection.provider.total.connections},
 * {@code .active.connections}, {@code .idle.connections}, {@code .pending.connections},
 * {@code .max.connections}, {@code .max.pending.connections}) with the names and tags Reactor Netty uses
 * ({@code name} = the service, {@code remote.address}, {@code id}). The number of remote addresses with meters is
 * capped (default 100), because addresses of unconfigured hosts are unbounded (reactor-netty #2591); pools past
 * the cap still show in the endpoint.
 */
final class MicrometerPoolMeterBinder implements PoolMeterBinder {

	static final String PREFIX = "reactor.netty.connection.provider";

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
		Tags tags = Tags.of("id", id, "name", poolName, "remote.address", String.valueOf(remoteAddress));
		List<Meter> bound = List.of(
				gauge(registry, "total.connections", tags, metrics, ConnectionPoolMetrics::allocatedSize),
				gauge(registry, "active.connections", tags, metrics, ConnectionPoolMetrics::acquiredSize),
				gauge(registry, "idle.connections", tags, metrics, ConnectionPoolMetrics::idleSize),
				gauge(registry, "pending.connections", tags, metrics, ConnectionPoolMetrics::pendingAcquireSize),
				gauge(registry, "max.connections", tags, metrics, ConnectionPoolMetrics::maxAllocatedSize),
				gauge(registry, "max.pending.connections", tags, metrics,
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

	private static Meter gauge(MeterRegistry registry, String name, Tags tags, ConnectionPoolMetrics metrics,
			ToDoubleFunction<ConnectionPoolMetrics> value) {
		return Gauge.builder(PREFIX + "." + name, metrics, value).tags(tags).register(registry);
	}

	private record Bound(MeterRegistry registry, List<Meter> meters) {
	}

	private static String key(String poolName, String id, SocketAddress remoteAddress) {
		return poolName + "|" + id + "|" + remoteAddress;
	}

}
