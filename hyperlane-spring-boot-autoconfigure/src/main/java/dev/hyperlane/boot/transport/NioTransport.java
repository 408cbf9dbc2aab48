package dev.hyperlane.boot.transport;

import java.net.StandardSocketOptions;

import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import jdk.net.ExtendedSocketOptions;

/**
 * The JDK NIO transport. Keep-alive idle, interval and count go through the JDK's {@code ExtendedSocketOptions}
 * (Linux and macOS); TCP Fast Open has no NIO equivalent and is reported as not applied.
 */
final class NioTransport extends AbstractTransport {

	static final NioTransport INSTANCE = new NioTransport();

	private NioTransport() {
		super(TransportType.NIO, "nio", NioIoHandler::newFactory, NioIoHandle.class, NioSocketChannel.class,
				NioServerSocketChannel.class, NioDatagramChannel.class,
				new OwnOptions(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE),
						NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL),
						NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT),
						NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), null, () -> false));
	}

}
