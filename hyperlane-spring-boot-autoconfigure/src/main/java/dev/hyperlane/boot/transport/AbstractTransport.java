package dev.hyperlane.boot.transport;

import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * What every {@link Transport} does the same way, from the classes it names: its type and name, its I/O handler
 * factory, which event loop groups run it (those whose I/O handles are of its class) and its channel class for each
 * channel type, and how it maps the socket-option vocabulary ({@link OwnOptions}). A subclass names its native
 * classes in its constructor, so they are still referred to from its own class only.
 */
abstract class AbstractTransport implements Transport {

	private final TransportType type;

	private final String displayName;

	private final Supplier<IoHandlerFactory> ioHandlerFactory;

	private final Class<? extends IoHandle> ioHandle;

	private final Map<Class<? extends Channel>, Class<? extends Channel>> channelClasses;

	private final OwnOptions ownOptions;

	/**
	 * Create the transport.
	 * @param type the transport's type
	 * @param displayName the name shown in the endpoint
	 * @param ioHandlerFactory makes the factory of the transport's I/O handlers
	 * @param ioHandle the class of the transport's I/O handles, by which its event loop groups are recognised
	 * @param socketChannel the class of a connection's channel
	 * @param serverSocketChannel the class of a listening socket's channel
	 * @param datagramChannel the class of a datagram channel
	 * @param ownOptions the socket options the transport maps through its own option classes
	 */
	AbstractTransport(TransportType type, String displayName, Supplier<IoHandlerFactory> ioHandlerFactory,
			Class<? extends IoHandle> ioHandle, Class<? extends SocketChannel> socketChannel,
			Class<? extends ServerSocketChannel> serverSocketChannel, Class<? extends DatagramChannel> datagramChannel,
			OwnOptions ownOptions) {
		this.type = type;
		this.displayName = displayName;
		this.ioHandlerFactory = ioHandlerFactory;
		this.ioHandle = ioHandle;
		this.channelClasses = Map.of(SocketChannel.class, socketChannel, ServerSocketChannel.class,
				serverSocketChannel, DatagramChannel.class, datagramChannel);
		this.ownOptions = ownOptions;
	}

	@Override
	public final TransportType type() {
		return this.type;
	}

	@Override
	public final String displayName() {
		return this.displayName;
	}

	@Override
	public final IoHandlerFactory ioHandlerFactory() {
		return this.ioHandlerFactory.get();
	}

	@Override
	public final boolean supports(EventLoopGroup group) {
		return group instanceof IoEventLoopGroup ioGroup && ioGroup.isCompatible(this.ioHandle);
	}

	@Override
	public final Class<? extends Channel> channelClass(Class<? extends Channel> channelType) {
		Class<? extends Channel> channelClass = this.channelClasses.get(channelType);
		if (channelClass == null) {
			throw Transport.unsupportedChannel(channelType);
		}
		return channelClass;
	}

	@Override
	public final @Nullable ChannelOption<?> channelOption(SocketOption option, boolean listener) {
		return switch (option) {
			case KEEP_ALIVE_IDLE -> this.ownOptions.keepAliveIdle();
			case KEEP_ALIVE_INTERVAL -> this.ownOptions.keepAliveInterval();
			case KEEP_ALIVE_COUNT -> this.ownOptions.keepAliveCount();
			case REUSE_PORT -> this.ownOptions.reusePort();
			case TCP_FAST_OPEN -> this.ownOptions.tcpFastOpenAvailable().getAsBoolean() ? this.ownOptions.tcpFastOpen()
					: null;
			default -> Transport.commonOptions().get(option);
		};
	}

	/**
	 * The socket options a transport maps through its own option classes; every other option of the vocabulary is
	 * one of {@link Transport#commonOptions()}.
	 *
	 * @param keepAliveIdle the transport's TCP_KEEPIDLE
	 * @param keepAliveInterval the transport's TCP_KEEPINTVL
	 * @param keepAliveCount the transport's TCP_KEEPCNT
	 * @param reusePort the transport's SO_REUSEPORT
	 * @param tcpFastOpen the transport's TCP_FASTOPEN of a listening socket, or {@code null} where it has none
	 * @param tcpFastOpenAvailable whether the kernel accepts TCP_FASTOPEN, asked when the option is mapped (not
	 * before: asking loads the native transport)
	 */
	record OwnOptions(ChannelOption<?> keepAliveIdle, ChannelOption<?> keepAliveInterval,
			ChannelOption<?> keepAliveCount, ChannelOption<?> reusePort, @Nullable ChannelOption<?> tcpFastOpen,
			BooleanSupplier tcpFastOpenAvailable) {

	}

}
