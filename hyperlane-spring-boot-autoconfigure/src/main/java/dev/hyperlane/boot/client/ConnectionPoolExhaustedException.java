package dev.hyperlane.boot.client;

/**
 * Raised, instead of waiting, when a service's connection pool has every connection busy and its pending-acquire
 * queue full, or a request waited longer than the pending-acquire timeout. The message names the service and the
 * properties to raise. Through a WebFlux handler it becomes {@code 503 Service Unavailable} with
 * {@code Retry-After: 1} ({@link PoolExhaustedExceptionHandler}).
 */
public class ConnectionPoolExhaustedException extends RuntimeException {

	private final String service;

	/**
	 * Create a new exception.
	 * @param service the service whose pool is exhausted
	 * @param settings the service's settings
	 * @param cause Reactor Netty's pool error
	 */
	public ConnectionPoolExhaustedException(String service, ClientSettings settings, Throwable cause) {
		super("Connection pool of service '" + service + "' is exhausted (" + settings.maxConnections()
				+ " connections per host busy, " + settings.pendingAcquireMaxCount() + " requests may wait "
				+ settings.pendingAcquireTimeout().toMillis() + " ms): raise " + prefix(service)
				+ ".max-connections or " + prefix(service) + ".pending-acquire-max-count, or lower the concurrency"
				+ " of calls to it (" + cause.getMessage() + ")", cause);
		this.service = service;
	}

	private static String prefix(String service) {
		return "default".equals(service) ? "hyperlane.client.defaults" : "hyperlane.client.services." + service;
	}

	/**
	 * Return the service whose pool is exhausted.
	 * @return the service name
	 */
	public String getService() {
		return this.service;
	}

}
