package dev.hyperlane.boot.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.util.internal.PlatformDependent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One accepted connection's buffer allocator: the shared allocator, except that when direct memory is exhausted the
 * connection is closed instead of the event loop dying.
 * <p>
 * Why: Netty's io_uring transport allocates the buffer of a connection's next read while it handles a completion
 * ({@code AbstractIoUringChannel.pollIn} then {@code scheduleRead}), outside any handler, and its
 * {@code IoUringIoHandler.handle} rethrows every {@link Error}; an {@link OutOfMemoryError} ("Cannot reserve direct
 * buffer memory") there ends the event loop's thread, and every connection on that loop with it: the port still
 * accepts and nothing answers. Epoll allocates inside its read loop's {@code try} and survives. Here a failed direct
 * allocation schedules the connection's close (its buffers are freed with it), returns an empty buffer to a caller
 * that asked for direct memory ({@code ioBuffer} and {@code directBuffer}: a read then reads nothing) and a heap
 * buffer to one that takes either kind ({@code buffer}), counts the failure ({@code directMemoryExhausted} in the
 * server section) and logs one WARN line a minute at most.
 * <p>
 * Every allocation that can take direct memory passes the one guard in {@link #allocate}: Netty's
 * {@link AbstractByteBufAllocator} routes {@code ioBuffer}, {@code directBuffer} and {@code heapBuffer} in all their
 * forms to {@link #newDirectBuffer} and {@link #newHeapBuffer} with the capacities the shared allocator itself would
 * use (all of Netty's allocators extend it and route the same way), and the forms of {@code buffer} and
 * {@code compositeBuffer}, whose kind is the shared allocator's preference, go to it whole. The shared allocator wraps
 * the buffers it returns for leak detection; this one does not wrap them again (it wraps only the composite buffers
 * it builds itself, once, as the shared allocator would).
 */
final class SheddingAllocator extends AbstractByteBufAllocator {

	/** What {@code buffer()} asks for: Netty's default initial capacity. */
	private static final int DEFAULT_INITIAL_CAPACITY = 256;

	private static final Log logger = LogFactory.getLog(SheddingAllocator.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	private final ByteBufAllocator delegate;

	private final Channel channel;

	private final ServerStatistics statistics;

	private boolean shedding;

	SheddingAllocator(ByteBufAllocator delegate, Channel channel, ServerStatistics statistics) {
		// the preference for direct buffers is the shared allocator's: buffer and compositeBuffer go to it
		super(true);
		this.delegate = delegate;
		this.channel = channel;
		this.statistics = statistics;
	}

	/**
	 * Give a connection this allocator in place of the one it has.
	 * @param channel the accepted connection
	 * @param statistics where failures are counted
	 */
	static void install(Channel channel, ServerStatistics statistics) {
		ByteBufAllocator current = channel.config().getAllocator();
		if (!(current instanceof SheddingAllocator)) {
			channel.config().setAllocator(new SheddingAllocator(current, channel, statistics));
		}
	}

	private void exhausted(OutOfMemoryError error) {
		this.statistics.increment(ServerStatistics.Count.DIRECT_MEMORY_EXHAUSTED);
		long now = System.nanoTime();
		long last = lastLogged.get();
		if (now - last >= LOG_INTERVAL_NANOS && lastLogged.compareAndSet(last, now)) {
			logger.warn("Direct memory is exhausted (limit " + PlatformDependent.maxDirectMemory()
					+ " B): closing the connections that need more until it is freed (" + error.getMessage()
					+ "); lower hyperlane.server.max-connections or hyperlane.server.max-request-body-memory,"
					+ " or raise -XX:MaxDirectMemorySize");
		}
		if (!this.shedding) {
			this.shedding = true;
			this.channel.eventLoop().execute(this.channel::close);
		}
	}

	@Override
	public ByteBuf buffer() {
		return buffer(DEFAULT_INITIAL_CAPACITY, Integer.MAX_VALUE);
	}

	@Override
	public ByteBuf buffer(int initialCapacity) {
		return buffer(initialCapacity, Integer.MAX_VALUE);
	}

	@Override
	public ByteBuf buffer(int initialCapacity, int maxCapacity) {
		return allocate(initialCapacity, maxCapacity, true);
	}

	@Override
	protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
		return allocate(initialCapacity, maxCapacity, false);
	}

	/**
	 * Allocate from the shared allocator; when direct memory is exhausted, shed the connection.
	 * @param initialCapacity the capacity asked for
	 * @param maxCapacity the maximum capacity asked for
	 * @param eitherKind whether the caller takes a heap buffer as well ({@code buffer}) rather than direct memory only
	 * @return the shared allocator's buffer, or after a failure a heap buffer for a caller that takes either kind and
	 * an empty buffer for one that asked for direct memory
	 */
	private ByteBuf allocate(int initialCapacity, int maxCapacity, boolean eitherKind) {
		try {
			return eitherKind ? this.delegate.buffer(initialCapacity, maxCapacity)
					: this.delegate.directBuffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return eitherKind ? Unpooled.buffer(initialCapacity, maxCapacity) : Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
		return this.delegate.heapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public CompositeByteBuf compositeBuffer() {
		return this.delegate.compositeBuffer();
	}

	@Override
	public CompositeByteBuf compositeBuffer(int maxNumComponents) {
		return this.delegate.compositeBuffer(maxNumComponents);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return this.delegate.isDirectBufferPooled();
	}

}
