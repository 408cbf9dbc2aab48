package dev.hyperlane.boot.retry;

/**
 * What a failed request attempt did to its peer, as far as a retry is concerned. Decided by
 * {@link RetryPolicy#classify(Throwable, boolean)} from the types of the failure and its causes.
 */
public enum Failure {

	/**
	 * Nothing of the request left this process: the connection was refused, timed out while connecting or had no
	 * route, or the request failed with an I/O error before it was written (Reactor Netty's pool handed out only
	 * closed connections, name resolution, TLS handshake). Any method may be sent again.
	 */
	NOT_SENT,

	/**
	 * The connection closed after the request may have been written but before any response header arrived (a
	 * premature close, a connection reset or broken pipe). Only a replayable request may be sent again.
	 */
	CLOSED_BEFORE_RESPONSE,

	/**
	 * The service's connection pool had no connection to give and its pending-acquire queue was full or timed out.
	 * Never retried: a retry would add to the queue that is already too long.
	 */
	POOL_EXHAUSTED,

	/**
	 * Anything else, response timeouts included (a retry would double the load on a slow peer). Never retried.
	 */
	OTHER

}
