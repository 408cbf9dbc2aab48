package dev.hyperlane.boot.client;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.retry.RetryPolicy;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Live figures of one service's client: the {@link Count counts} (requests, premature closes, retries and what
 * stopped them, connections evicted before the peer's advertised keep-alive timeout, pool exhaustion), the mean
 * time to get a connection, and the connection pools per remote address as Reactor Netty reports them. The endpoint
 * and the meters read the same objects. Thread-safe.
 */
public final class ClientStatistics {

	private final Counts<Count> counts = new Counts<>(Count.class);

	private final LongAdder acquireNanos = new LongAdder();

	private final LongAdder acquires = new LongAdder();

	private final Map<SocketAddress, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	private final RetryPolicy.Listener retryListener = new RetryPolicy.Listener() {

		@Override
		public void retried() {
			ClientStatistics.this.counts.increment(Count.RETRIES);
		}

		@Override
		public void deniedByBudget() {
			ClientStatistics.this.counts.increment(Count.RETRIES_DENIED_BY_BUDGET);
		}

		@Override
		public void notReplayable() {
			ClientStatistics.this.counts.increment(Count.RETRIES_NOT_SAFE);
		}

	};

	RetryPolicy.Listener retryListener() {
		return this.retryListener;
	}

	/**
	 * Count a connection got from the pool, and the time it took.
	 * @param nanos the time from the request's start to the connection
	 */
	void acquired(long nanos) {
		this.acquireNanos.add(nanos);
		this.acquires.increment();
	}

	void poolCreated(SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		this.pools.put(remoteAddress, metrics);
	}

	void poolDisposed(SocketAddress remoteAddress) {
		this.pools.remove(remoteAddress);
	}

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	/**
	 * Return the connection pools by remote address.
	 * @return the pools' live metrics
	 */
	public Map<SocketAddress, ConnectionPoolMetrics> pools() {
		return Map.copyOf(this.pools);
	}

	/**
	 * Return the figures as a map for the endpoint.
	 * @return the counts, the mean time to get a connection in milliseconds, and each pool's sizes (see
	 * {@link PoolSize})
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>(this.counts.toMap());
		long acquires = this.acquires.sum();
		description.put("meanAcquireMillis", (acquires > 0) ? this.acquireNanos.sum() / acquires / 1_000_000.0 : 0.0);
		Map<String, Object> pools = new LinkedHashMap<>();
		this.pools.forEach((address, metrics) -> pools.put(String.valueOf(address), PoolSize.describe(metrics)));
		description.put("pools", pools);
		return description;
	}

	/**
	 * What a service's client counts, in the order the endpoint's {@code clients} section shows it.
	 */
	public enum Count {

		/** Requests sent, first attempts only. */
		REQUESTS,

		/** Connections that closed before a response arrived. */
		PREMATURE_CLOSES,

		/** Retries made. */
		RETRIES,

		/** Retries the retry budget refused. */
		RETRIES_DENIED_BY_BUDGET,

		/** Retries not made because the request was not idempotent. */
		RETRIES_NOT_SAFE,

		/** Connections closed early because of the peer's advertised keep-alive timeout. */
		EVICTIONS_BY_KEEP_ALIVE_HEADER,

		/** Requests that failed because the connection pool and its pending queue were full. */
		POOL_EXHAUSTED

	}

}
