package dev.hyperlane.boot.client;

import java.net.SocketAddress;

import org.jspecify.annotations.Nullable;
import reactor.netty.resources.ConnectionPoolMetrics;
import reactor.netty.resources.ConnectionProvider;

/**
 * Receives Reactor Netty's connection pools as they are created and disposed, hands them to the service's
 * {@link ClientStatistics} (for the endpoint) and, when Micrometer is present, to a {@link PoolMeterBinder} that
 * publishes the {@code reactor.netty.connection.provider.*} gauges.
 */
final class PoolMetricsRegistrar implements ConnectionProvider.MeterRegistrar {

	private final ClientStatistics statistics;

	private final @Nullable PoolMeterBinder meters;

	PoolMetricsRegistrar(ClientStatistics statistics, @Nullable PoolMeterBinder meters) {
		this.statistics = statistics;
		this.meters = meters;
	}

	@Override
	public void registerMetrics(String poolName, String id, SocketAddress remoteAddress,
			ConnectionPoolMetrics metrics) {
		this.statistics.poolCreated(remoteAddress, metrics);
		if (this.meters != null) {
			this.meters.bind(poolName, id, remoteAddress, metrics);
		}
	}

	@Override
	public void deRegisterMetrics(String poolName, String id, SocketAddress remoteAddress) {
		this.statistics.poolDisposed(remoteAddress);
		if (this.meters != null) {
			this.meters.unbind(poolName, id, remoteAddress);
		}
	}

}
