package dev.hyperlane.boot.client;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

import dev.hyperlane.boot.Counts;
import reactor.netty.Metrics;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * The sizes of a connection pool, each read from Reactor Netty's {@link ConnectionPoolMetrics}: shown by the
 * endpoint under the constant's name in lower camel case ({@link #describe(ConnectionPoolMetrics)}), and published
 * by {@link MicrometerPoolMeterBinder} as the gauge Reactor Netty names it ({@link #meter()}).
 */
enum PoolSize {

	/** Connections in use. */
	ACTIVE(ConnectionPoolMetrics::acquiredSize, Metrics.ACTIVE_CONNECTIONS),

	/** Connections open and idle in the pool. */
	IDLE(ConnectionPoolMetrics::idleSize, Metrics.IDLE_CONNECTIONS),

	/** Requests waiting for a connection. */
	PENDING(ConnectionPoolMetrics::pendingAcquireSize, Metrics.PENDING_CONNECTIONS),

	/** Connections open, in use or idle. */
	ALLOCATED(ConnectionPoolMetrics::allocatedSize, Metrics.TOTAL_CONNECTIONS),

	/** Connections the pool may open at most. */
	MAX_CONNECTIONS(ConnectionPoolMetrics::maxAllocatedSize, Metrics.MAX_CONNECTIONS),

	/** Requests that may wait for a connection at most. */
	MAX_PENDING(ConnectionPoolMetrics::maxPendingAcquireSize, Metrics.MAX_PENDING_CONNECTIONS);

	private final ToIntFunction<ConnectionPoolMetrics> size;

	private final String meter;

	PoolSize(ToIntFunction<ConnectionPoolMetrics> size, String meter) {
		this.size = size;
		this.meter = meter;
	}

	/**
	 * Read the size from a pool.
	 * @param metrics the pool's live metrics
	 * @return the size now
	 */
	int read(ConnectionPoolMetrics metrics) {
		return this.size.applyAsInt(metrics);
	}

	/**
	 * Return the gauge's name after Reactor Netty's {@link Metrics#CONNECTION_PROVIDER_PREFIX}.
	 * @return the suffix, such as {@code .active.connections}
	 */
	String meter() {
		return this.meter;
	}

	/**
	 * Describe a pool for the endpoint.
	 * @param metrics the pool's live metrics
	 * @return every size, by name
	 */
	static Map<String, Object> describe(ConnectionPoolMetrics metrics) {
		Map<String, Object> pool = new LinkedHashMap<>();
		for (PoolSize size : values()) {
			pool.put(Counts.key(size), size.read(metrics));
		}
		return pool;
	}

}
