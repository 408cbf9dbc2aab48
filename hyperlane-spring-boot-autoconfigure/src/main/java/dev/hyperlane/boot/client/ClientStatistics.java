package dev.hyperlane.boot.client;

import java.net.SocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import dev.hyperlane.boot.retry.RetryPolicy;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Live figures of one service's client: requests, premature closes, retries and what stopped them, connections
 * evicted before the peer's advertised keep-alive timeout, pool exhaustion, and the connection pools per remote
 * address as Reactor Netty reports them. The endpoint and the meters read the same objects. Thread-safe.
 */
public final class ClientStatistics {

	final LongAdder requests = new LongAdder();

	final LongAdder prematureCloses = new LongAdder();

	final LongAdder retries = new LongAdder();

	final LongAdder retriesDeniedByBudget = new LongAdder();

	final LongAdder retriesNotSafe = new LongAdder();

	final LongAdder keepAliveEvictions = new LongAdder();

	final LongAdder poolExhausted = new LongAdder();

	final LongAdder acquireNanos = new LongAdder();

	final LongAdder acquires = new LongAdder();

	private final Map<SocketAddress, ConnectionPoolMetrics> pools = new ConcurrentHashMap<>();

	private final RetryPolicy.Listener retryListener = new RetryPolicy.Listener() {

		@Override
		public void retried() {
			ClientStatistics.this.retries.increment();
		}

		@Override
		public void deniedByBudget() {
			ClientStatistics.this.retriesDeniedByBudget.increment();
		}

		@Override
		public void notReplayable() {
			ClientStatistics.this.retriesNotSafe.increment();
		}

	};

	RetryPolicy.Listener retryListener() {
		return this.retryListener;
	}

	void poolCreated(SocketAddress remoteAddress, ConnectionPoolMetrics metrics) {
		this.pools.put(remoteAddress, metrics);
	}

	void poolDisposed(SocketAddress remoteAddress) {
		this.pools.remove(remoteAddress);
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
	 * @return counts, the mean time to get a connection in milliseconds, and each pool's sizes
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("requests", this.requests.sum());
		description.put("prematureCloses", this.prematureCloses.sum());
		description.put("retries", this.retries.sum());
		description.put("retriesDeniedByBudget", this.retriesDeniedByBudget.sum());
		description.put("retriesNotSafe", this.retriesNotSafe.sum());
		description.put("evictionsByKeepAliveHeader", this.keepAliveEvictions.sum());
		description.put("poolExhausted", this.poolExhausted.sum());
		long acquires = this.acquires.sum();
		description.put("meanAcquireMillis", (acquires > 0) ? this.acquireNanos.sum() / acquires / 1_000_000.0 : 0.0);
		Map<String, Object> pools = new LinkedHashMap<>();
		this.pools.forEach((address, metrics) -> {
			Map<String, Object> pool = new LinkedHashMap<>();
			pool.put("active", metrics.acquiredSize());
			pool.put("idle", metrics.idleSize());
			pool.put("pending", metrics.pendingAcquireSize());
			pool.put("allocated", metrics.allocatedSize());
			pool.put("maxConnections", metrics.maxAllocatedSize());
			pool.put("maxPending", metrics.maxPendingAcquireSize());
			pools.put(String.valueOf(address), pool);
		});
		description.put("pools", pools);
		return description;
	}

	/**
	 * Return the number of connections that closed before a response arrived.
	 * @return the premature closes seen
	 */
	public long prematureCloses() {
		return this.prematureCloses.sum();
	}

	/**
	 * Return the number of retries made.
	 * @return the retries
	 */
	public long retries() {
		return this.retries.sum();
	}

	/**
	 * Return the number of requests sent (first attempts only).
	 * @return the requests
	 */
	public long requests() {
		return this.requests.sum();
	}

	/**
	 * Return the number of retries the retry budget refused.
	 * @return the retries denied by the budget
	 */
	public long retriesDeniedByBudget() {
		return this.retriesDeniedByBudget.sum();
	}

	/**
	 * Return the number of retries not made because the request was not idempotent.
	 * @return the retries refused as unsafe
	 */
	public long retriesNotSafe() {
		return this.retriesNotSafe.sum();
	}

	/**
	 * Return the number of requests that failed because the pool was exhausted.
	 * @return the pool-exhaustion failures
	 */
	public long poolExhausted() {
		return this.poolExhausted.sum();
	}

	/**
	 * Return the number of connections closed early because of the peer's advertised keep-alive timeout.
	 * @return the evictions
	 */
	public long keepAliveEvictions() {
		return this.keepAliveEvictions.sum();
	}

}
