package dev.hyperlane.boot.client;

/**
 * Order in which idle pooled connections are handed out.
 */
public enum LeasingStrategy {

	/** Most recently used first: the others stay idle and are evicted, the pool shrinks after a burst. */
	LIFO,

	/** Least recently used first: load spreads over every idle connection. */
	FIFO

}
