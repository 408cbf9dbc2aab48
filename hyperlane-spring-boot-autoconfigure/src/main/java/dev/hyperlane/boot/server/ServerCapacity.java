package dev.hyperlane.boot.server;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

import io.netty.util.internal.PlatformDependent;

/**
 * What the process can afford to hold for its clients, and the defaults derived from it: the connection limit and
 * the memory that request bodies still being received may take.
 * <ul>
 * <li>Connection limit: the smaller of half of max direct memory divided by {@value #CONNECTION_BUDGET_BYTES} bytes
 * and the file-descriptor limit less a tenth (at least 64) kept for files, database and client connections. The
 * {@value #CONNECTION_BUDGET_BYTES} bytes are what one connection can pin: its body window of
 * {@value #CONNECTION_WINDOW_BYTES} bytes (the largest buffer Netty reads into at once,
 * {@code AdaptiveRecvByteBufAllocator}'s maximum, which always fits, whatever the request body memory) and, on
 * io_uring, the buffer of the read it keeps armed, up to as much again. Measured: with one window per connection
 * (64 MB, 512 connections) 550 clients sending 1 MB bodies exhausted direct memory on io_uring
 * ({@code benchmarks/hostile/soak.sh}). 512 MB of direct memory gives 2048 connections; past the limit a connection
 * is closed as it is accepted, before it costs anything.</li>
 * <li>Request body memory: a quarter of max direct memory for bodies not yet received whole (what a decoder that
 * gathers a JSON body holds while the client is still sending). Measured with 20 clients each sending 1,000,000 bytes
 * of a 1,000,001-byte body to a handler that decodes it whole and going silent, before this limit existed: 2.5 MB of
 * direct memory held for each (the partly filled read buffers the body's slices keep alive), so 550 such clients
 * exhausted 512 MB (issue 14).</li>
 * </ul>
 * Together they keep what clients can pin to three quarters of max direct memory, the rest left for responses and the
 * application.
 *
 * @param maxDirectMemoryBytes Netty's direct memory ceiling ({@code -XX:MaxDirectMemorySize}, by default the max heap)
 * @param maxFileDescriptors the process's open-file limit ({@code ulimit -n}), or -1 when unknown
 */
public record ServerCapacity(long maxDirectMemoryBytes, long maxFileDescriptors) {

	/** Bytes of request body one connection may always hold: Netty's largest single read buffer, 64 KB. */
	public static final int CONNECTION_WINDOW_BYTES = 64 * 1024;

	/** Bytes budgeted per connection for the connection limit: its body window and a pending read's buffer, 128 KB. */
	public static final int CONNECTION_BUDGET_BYTES = 2 * CONNECTION_WINDOW_BYTES;

	/**
	 * Read the capacity of this process.
	 * @return the capacity
	 */
	public static ServerCapacity ofThisProcess() {
		long descriptors = -1;
		OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
		if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
			descriptors = unix.getMaxFileDescriptorCount();
		}
		return new ServerCapacity(PlatformDependent.maxDirectMemory(), descriptors);
	}

	/**
	 * Return the derived connection limit.
	 * @return the connections the process can hold, at least 1
	 */
	public int connectionLimit() {
		long byMemory = this.maxDirectMemoryBytes / 2 / CONNECTION_BUDGET_BYTES;
		long limit = (byDescriptors() > 0) ? Math.min(byMemory, byDescriptors()) : byMemory;
		return (int) Math.max(1, Math.min(Integer.MAX_VALUE, limit));
	}

	/**
	 * Return how the connection limit was derived, for the endpoint.
	 * @return one sentence with the figures
	 */
	public String connectionLimitDerivation() {
		long byMemory = this.maxDirectMemoryBytes / 2 / CONNECTION_BUDGET_BYTES;
		String memory = "max direct memory " + this.maxDirectMemoryBytes + " B / 2 / " + CONNECTION_BUDGET_BYTES
				+ " B pinned per connection (a body window and a pending read's buffer) = " + byMemory;
		if (byDescriptors() <= 0) {
			return memory + "; a connection above the limit is closed on accept";
		}
		return "the smaller of " + memory + " and the file-descriptor limit " + this.maxFileDescriptors
				+ " less a tenth (at least 64) = " + byDescriptors() + "; a connection above the limit is closed on accept";
	}

	/**
	 * Return the derived memory for request bodies not yet received whole.
	 * @return a quarter of max direct memory, in bytes
	 */
	public long requestBodyMemory() {
		return this.maxDirectMemoryBytes / 4;
	}

	/**
	 * Return how the request body memory was derived, for the endpoint.
	 * @return one sentence with the figures
	 */
	public String requestBodyMemoryDerivation() {
		return "max direct memory " + this.maxDirectMemoryBytes + " B / 4; a body beyond its first "
				+ CONNECTION_WINDOW_BYTES + " B that would pass it gets 503 and its connection is closed";
	}

	private long byDescriptors() {
		if (this.maxFileDescriptors <= 0) {
			return -1;
		}
		return this.maxFileDescriptors - Math.max(64, this.maxFileDescriptors / 10);
	}

}
