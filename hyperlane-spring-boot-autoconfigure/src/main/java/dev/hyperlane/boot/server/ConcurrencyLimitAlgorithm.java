package dev.hyperlane.boot.server;

/**
 * How the server's concurrency limit moves, each one an algorithm of Netflix's {@code concurrency-limits} library.
 */
public enum ConcurrencyLimitAlgorithm {

	/**
	 * Gradient2: compares a short-term and a long-term average of request latency and lowers the limit as the
	 * short-term one grows; tolerates latency drift better than Vegas.
	 */
	GRADIENT2,

	/**
	 * Vegas: estimates the queue from the ratio of the latest latency to the lowest latency seen, after TCP Vegas.
	 */
	VEGAS,

	/**
	 * A fixed limit: the initial limit, never changed except through the endpoint.
	 */
	FIXED

}
