package dev.hyperlane.boot.server;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The server-wide account of request body bytes received for requests whose body is not complete yet, against a
 * limit ({@code hyperlane.server.max-request-body-memory}). Each connection's {@link RequestBodyGuard} takes bytes as
 * they arrive and gives them back when the body is complete or the connection closes. Thread-safe.
 */
final class RequestBodyMemory {

	private final long limit;

	private final AtomicLong used = new AtomicLong();

	/**
	 * Create the account.
	 * @param limit the most bytes held at once; 0 means no limit
	 */
	RequestBodyMemory(long limit) {
		this.limit = limit;
	}

	/**
	 * Take bytes if they fit under the limit.
	 * @param bytes the bytes just received
	 * @return whether they were taken
	 */
	boolean tryTake(long bytes) {
		if (this.limit <= 0) {
			this.used.addAndGet(bytes);
			return true;
		}
		long current;
		do {
			current = this.used.get();
			if (current + bytes > this.limit) {
				return false;
			}
		}
		while (!this.used.compareAndSet(current, current + bytes));
		return true;
	}

	/**
	 * Take bytes whether they fit or not (a body still within its per-connection window).
	 * @param bytes the bytes just received
	 */
	void take(long bytes) {
		this.used.addAndGet(bytes);
	}

	/**
	 * Give bytes back.
	 * @param bytes the bytes of a body that completed or whose connection closed
	 */
	void give(long bytes) {
		if (bytes > 0) {
			this.used.addAndGet(-bytes);
		}
	}

	long used() {
		return this.used.get();
	}

	long limit() {
		return this.limit;
	}

}
