package dev.hyperlane.boot.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

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
 * allocation schedules the connection's close (its buffers are freed with it), returns an empty buffer to a read (it
 * reads nothing) and a heap buffer to anything else, counts the failure ({@code directMemoryExhausted} in the server
 * section) and logs one WARN line a minute at most.
 */
final class SheddingAllocator implements ByteBufAllocator {

	private static final Log logger = LogFactory.getLog(SheddingAllocator.class);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

	private final ByteBufAllocator delegate;

	private final Channel channel;

	private final ServerStatistics statistics;

	private boolean shedding;

	SheddingAllocator(ByteBufAllocator delegate, Channel channel, ServerStatistics statistics) {
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
		try {
			return this.delegate.buffer();
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.buffer();
		}
	}

	@Override
	public ByteBuf buffer(int initialCapacity) {
		try {
			return this.delegate.buffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.buffer(initialCapacity);
		}
	}

	@Override
	public ByteBuf buffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.buffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.buffer(initialCapacity, maxCapacity);
		}
	}

	@Override
	public ByteBuf ioBuffer() {
		try {
			return this.delegate.ioBuffer();
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity) {
		try {
			return this.delegate.ioBuffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.ioBuffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	public ByteBuf heapBuffer() {
		return this.delegate.heapBuffer();
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity) {
		return this.delegate.heapBuffer(initialCapacity);
	}

	@Override
	public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
		return this.delegate.heapBuffer(initialCapacity, maxCapacity);
	}

	@Override
	public ByteBuf directBuffer() {
		try {
			return this.delegate.directBuffer();
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity) {
		try {
			return this.delegate.directBuffer(initialCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
	}

	@Override
	public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
		try {
			return this.delegate.directBuffer(initialCapacity, maxCapacity);
		}
		catch (OutOfMemoryError error) {
			exhausted(error);
			return Unpooled.EMPTY_BUFFER;
		}
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
	public CompositeByteBuf compositeHeapBuffer() {
		return this.delegate.compositeHeapBuffer();
	}

	@Override
	public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
		return this.delegate.compositeHeapBuffer(maxNumComponents);
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer() {
		return this.delegate.compositeDirectBuffer();
	}

	@Override
	public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
		return this.delegate.compositeDirectBuffer(maxNumComponents);
	}

	@Override
	public boolean isDirectBufferPooled() {
		return this.delegate.isDirectBufferPooled();
	}

	@Override
	public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
		return this.delegate.calculateNewCapacity(minNewCapacity, maxCapacity);
	}

}
