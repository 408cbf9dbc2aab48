package dev.hyperlane.boot.transport;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * Creates the buffer allocator for {@code hyperlane.transport.allocator}. When the direct-buffer preference matches
 * Netty's own, the allocator is Netty's shared instance ({@code ByteBufAllocator.DEFAULT} when that is adaptive,
 * {@code PooledByteBufAllocator.DEFAULT} for pooled), so the server, the clients and the drivers that use Netty's
 * default (R2DBC, Lettuce) share one set of arenas or magazines instead of two.
 */
final class Allocators {

	private Allocators() {
	}

	static ByteBufAllocator create(AllocatorType type, boolean preferDirect) {
		boolean nettyDefaultPreference = PlatformDependent.directBufferPreferred();
		return switch (type) {
			case POOLED -> (preferDirect == nettyDefaultPreference) ? PooledByteBufAllocator.DEFAULT
					: new PooledByteBufAllocator(preferDirect);
			case ADAPTIVE -> (ByteBufAllocator.DEFAULT instanceof AdaptiveByteBufAllocator
					&& preferDirect == nettyDefaultPreference) ? ByteBufAllocator.DEFAULT
							: new AdaptiveByteBufAllocator(preferDirect);
			case UNPOOLED -> (preferDirect == nettyDefaultPreference) ? UnpooledByteBufAllocator.DEFAULT
					: new UnpooledByteBufAllocator(preferDirect);
		};
	}

}
