package dev.hyperlane.boot;

import java.util.OptionalLong;

/**
 * The deadline this service's own callers give it, as far as the server can see: proxies such as Envoy (and so
 * Istio sidecars) send the time they will wait in {@code x-envoy-expected-rq-timeout-ms} on every request. The
 * client advice compares it with each downstream response timeout: a call that may outlast the caller's own
 * deadline keeps working for an answer nobody waits for.
 */
public interface CallerDeadlines {

	/**
	 * The header that carries a caller's deadline in milliseconds.
	 */
	String HEADER = "x-envoy-expected-rq-timeout-ms";

	/**
	 * Return the shortest deadline seen on a request since start.
	 * @return the deadline in milliseconds, or empty when no request carried one
	 */
	OptionalLong shortestCallerTimeoutMillis();

}
