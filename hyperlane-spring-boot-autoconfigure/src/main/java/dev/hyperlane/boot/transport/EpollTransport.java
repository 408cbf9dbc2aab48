package dev.hyperlane.boot.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * The Linux epoll transport ({@code netty-transport-native-epoll}).
 */
final class EpollTransport implements Transport {

	static final EpollTransport INSTANCE = new EpollTransport();

	private EpollTransport() {
	}

	static boolean isAvailable() {
		return Epoll.isAvailable();
	}

	static Throwable unavailabilityCause() {
		return Epoll.unavailabilityCause();
	}

	@Override
	public TransportType type() {
		return TransportType.EPOLL;
	}

	@Override
	public String displayName() {
		return "epoll";
	}

	@Override
	public IoHandlerFactory ioHandlerFactory() {
		return EpollIoHandler.newFactory();
	}

	@Override
	public boolean supports(EventLoopGroup group) {
		return group instanceof IoEventLoopGroup ioGroup && ioGroup.isCompatible(EpollIoHandle.class);
	}

	@Override
	public Class<? extends Channel> channelClass(Class<? extends Channel> channelType) {
		if (channelType == SocketChannel.class) {
			return EpollSocketChannel.class;
		}
		if (channelType == ServerSocketChannel.class) {
			return EpollServerSocketChannel.class;
		}
		if (channelType == DatagramChannel.class) {
			return EpollDatagramChannel.class;
		}
		throw Transport.unsupportedChannel(channelType);
	}

	@Override
	public @Nullable ChannelOption<?> channelOption(SocketOption option, boolean listener) {
		return switch (option) {
			case KEEP_ALIVE_IDLE -> EpollChannelOption.TCP_KEEPIDLE;
			case KEEP_ALIVE_INTERVAL -> EpollChannelOption.TCP_KEEPINTVL;
			case KEEP_ALIVE_COUNT -> EpollChannelOption.TCP_KEEPCNT;
			case REUSE_PORT -> EpollChannelOption.SO_REUSEPORT;
			case TCP_FAST_OPEN -> Epoll.isTcpFastOpenServerSideAvailable() ? EpollChannelOption.TCP_FASTOPEN : null;
			default -> Transport.commonOptions().get(option);
		};
	}

}
