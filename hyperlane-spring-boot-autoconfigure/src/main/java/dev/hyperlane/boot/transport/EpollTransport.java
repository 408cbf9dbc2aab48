package dev.hyperlane.boot.transport;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * The Linux epoll transport ({@code netty-transport-native-epoll}).
 */
final class EpollTransport extends AbstractTransport {

	static final EpollTransport INSTANCE = new EpollTransport();

	private EpollTransport() {
		super(TransportType.EPOLL, "epoll", EpollIoHandler::newFactory, EpollIoHandle.class, EpollSocketChannel.class,
				EpollServerSocketChannel.class, EpollDatagramChannel.class);
	}

	static boolean isAvailable() {
		return Epoll.isAvailable();
	}

	static Throwable unavailabilityCause() {
		return Epoll.unavailabilityCause();
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
