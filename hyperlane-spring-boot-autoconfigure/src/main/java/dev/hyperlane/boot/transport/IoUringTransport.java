package dev.hyperlane.boot.transport;

import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;

/**
 * The Linux io_uring transport of Netty 4.2 ({@code netty-transport-native-io_uring}). Reactor Netty 1.3 only
 * recognises the older incubator io_uring artifact, so {@link HyperlaneLoopResources} maps these channel classes
 * itself.
 */
final class IoUringTransport extends AbstractTransport {

	static final IoUringTransport INSTANCE = new IoUringTransport();

	private IoUringTransport() {
		super(TransportType.IO_URING, "io_uring", IoUringIoHandler::newFactory, IoUringIoHandle.class,
				IoUringSocketChannel.class, IoUringServerSocketChannel.class, IoUringDatagramChannel.class,
				new OwnOptions(IoUringChannelOption.TCP_KEEPIDLE, IoUringChannelOption.TCP_KEEPINTVL,
						IoUringChannelOption.TCP_KEEPCNT, IoUringChannelOption.SO_REUSEPORT,
						IoUringChannelOption.TCP_FASTOPEN, IoUring::isTcpFastOpenServerSideAvailable));
	}

	static boolean isAvailable() {
		return IoUring.isAvailable();
	}

	/**
	 * Return whether Netty arms multishot accepts ({@code io.netty.iouring.acceptMultiShotEnabled}, on by default
	 * where the kernel supports them). Loads Netty's io_uring classes: call only once {@link #isAvailable()} said
	 * yes.
	 * @return whether one accept takes every waiting connection
	 */
	static boolean acceptMultishotEnabled() {
		return IoUring.isAcceptMultishotEnabled();
	}

	static Throwable unavailabilityCause() {
		return IoUring.unavailabilityCause();
	}

}
