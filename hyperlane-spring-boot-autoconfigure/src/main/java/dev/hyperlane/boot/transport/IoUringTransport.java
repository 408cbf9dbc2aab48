package dev.hyperlane.boot.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandle;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * The Linux io_uring transport of Netty 4.2 ({@code netty-transport-native-io_uring}). Reactor Netty 1.3 only
 * recognises the older incubator io_uring artifact, so {@link HyperlaneLoopResources} maps these channel classes
 * itself.
 */
final class IoUringTransport implements Transport {

	static final IoUringTransport INSTANCE = new IoUringTransport();

	private IoUringTransport() {
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

	@Override
	public TransportType type() {
		return TransportType.IO_URING;
	}

	@Override
	public String displayName() {
		return "io_uring";
	}

	@Override
	public IoHandlerFactory ioHandlerFactory() {
		return IoUringIoHandler.newFactory();
	}

	@Override
	public boolean supports(EventLoopGroup group) {
		return group instanceof IoEventLoopGroup ioGroup && ioGroup.isCompatible(IoUringIoHandle.class);
	}

	@Override
	public Class<? extends Channel> channelClass(Class<? extends Channel> channelType) {
		if (channelType == SocketChannel.class) {
			return IoUringSocketChannel.class;
		}
		if (channelType == ServerSocketChannel.class) {
			return IoUringServerSocketChannel.class;
		}
		if (channelType == DatagramChannel.class) {
			return IoUringDatagramChannel.class;
		}
		throw Transport.unsupportedChannel(channelType);
	}

	@Override
	public @Nullable ChannelOption<?> channelOption(SocketOption option, boolean listener) {
		return switch (option) {
			case KEEP_ALIVE_IDLE -> IoUringChannelOption.TCP_KEEPIDLE;
			case KEEP_ALIVE_INTERVAL -> IoUringChannelOption.TCP_KEEPINTVL;
			case KEEP_ALIVE_COUNT -> IoUringChannelOption.TCP_KEEPCNT;
			case REUSE_PORT -> IoUringChannelOption.SO_REUSEPORT;
			case TCP_FAST_OPEN -> IoUring.isTcpFastOpenServerSideAvailable() ? IoUringChannelOption.TCP_FASTOPEN : null;
			default -> Transport.commonOptions().get(option);
		};
	}

}
