package dev.hyperlane.boot.transport;

import java.net.StandardSocketOptions;

import io.netty.channel.ChannelOption;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;
import org.jspecify.annotations.Nullable;

/**
 * The JDK NIO transport. Keep-alive idle, interval and count go through the JDK's {@code ExtendedSocketOptions}
 * (Linux and macOS); TCP Fast Open has no NIO equivalent and is reported as not applied.
 */
final class NioTransport extends AbstractTransport {

	static final NioTransport INSTANCE = new NioTransport();

	private NioTransport() {
		super(TransportType.NIO, "nio", NioIoHandler::newFactory, NioIoHandle.class, NioSocketChannel.class,
				NioServerSocketChannel.class, NioDatagramChannel.class);
	}

	@Override
	public @Nullable ChannelOption<?> channelOption(SocketOption option, boolean listener) {
		return switch (option) {
			case KEEP_ALIVE_IDLE -> NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE);
			case KEEP_ALIVE_INTERVAL -> NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL);
			case KEEP_ALIVE_COUNT -> NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT);
			case REUSE_PORT -> NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT);
			case TCP_FAST_OPEN -> null;
			default -> Transport.commonOptions().get(option);
		};
	}

}
