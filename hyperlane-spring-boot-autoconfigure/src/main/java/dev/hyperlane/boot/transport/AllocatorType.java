package dev.hyperlane.boot.transport;

import java.util.Locale;

/**
 * Buffer allocator used by the server's and the clients' channels.
 */
public enum AllocatorType {

	/** Netty's {@code PooledByteBufAllocator}: jemalloc-style arenas with thread-local caches. */
	POOLED,

	/** Netty's {@code AdaptiveByteBufAllocator}, Netty 4.2's own default: size-class magazines, no thread caches. */
	ADAPTIVE,

	/** Netty's {@code UnpooledByteBufAllocator}: a fresh buffer for every allocation. */
	UNPOOLED;

	/**
	 * Return the name as a property value, such as {@code adaptive}; the {@code hyperlane} endpoint shows it.
	 * @return the lower-case name
	 */
	@Override
	public String toString() {
		return name().toLowerCase(Locale.ROOT);
	}

}
