package dev.hyperlane.boot.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;

/**
 * The Linux epoll transport ({@code netty-transport-native-epoll}).
 */
final class EpollTransport extends AbstractTransport {

	static final EpollTransport INSTANCE = new EpollTransport();

	private EpollTransport() {
		super(TransportType.EPOLL, "epoll", EpollIoHandler::newFactory, EpollIoHandle.class, EpollSocketChannel.class,
				EpollServerSocketChannel.class, EpollDatagramChannel.class,
				new OwnOptions(EpollChannelOption.TCP_KEEPIDLE, EpollChannelOption.TCP_KEEPINTVL,
						EpollChannelOption.TCP_KEEPCNT, EpollChannelOption.SO_REUSEPORT, EpollChannelOption.TCP_FASTOPEN,
						Epoll::isTcpFastOpenServerSideAvailable));
	}

	static boolean isAvailable() {
		return Epoll.isAvailable();
	}

	static Throwable unavailabilityCause() {
		return Epoll.unavailabilityCause();
	}

}
