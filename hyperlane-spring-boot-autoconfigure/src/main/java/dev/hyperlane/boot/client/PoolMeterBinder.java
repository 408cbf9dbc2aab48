package dev.hyperlane.boot.client;

import java.net.SocketAddress;

import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * Publishes a connection pool's sizes as meters. Implemented with Micrometer by {@link MicrometerPoolMeterBinder};
 * kept as an interface so the client works without Micrometer on the class path.
 */
interface PoolMeterBinder {

	void bind(String poolName, String id, SocketAddress remoteAddress, ConnectionPoolMetrics metrics);

	void unbind(String poolName, String id, SocketAddress remoteAddress);

}
