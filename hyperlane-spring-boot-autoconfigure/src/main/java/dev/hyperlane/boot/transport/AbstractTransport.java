package dev.hyperlane.boot.transport;

import java.util.Map;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;

/**
 * What every {@link Transport} does the same way, from the classes it names: its type and name, its I/O handler
 * factory, which event loop groups run it (those whose I/O handles are of its class) and its channel class for each
 * channel type. A subclass names its native classes in its constructor, so they are still referred to from its own
 * class only, and maps the socket-option vocabulary in {@link #channelOption}.
 */
abstract class AbstractTransport implements Transport {

	private final TransportType type;

	private final String displayName;

	private final Supplier<IoHandlerFactory> ioHandlerFactory;

	private final Class<? extends IoHandle> ioHandle;

	private final Map<Class<? extends Channel>, Class<? extends Channel>> channelClasses;

	/**
	 * Create the transport.
	 * @param type the transport's type
	 * @param displayName the name shown in the endpoint
	 * @param ioHandlerFactory makes the factory of the transport's I/O handlers
	 * @param ioHandle the class of the transport's I/O handles, by which its event loop groups are recognised
	 * @param socketChannel the class of a connection's channel
	 * @param serverSocketChannel the class of a listening socket's channel
	 * @param datagramChannel the class of a datagram channel
	 */
	AbstractTransport(TransportType type, String displayName, Supplier<IoHandlerFactory> ioHandlerFactory,
			Class<? extends IoHandle> ioHandle, Class<? extends SocketChannel> socketChannel,
			Class<? extends ServerSocketChannel> serverSocketChannel,
			Class<? extends DatagramChannel> datagramChannel) {
		this.type = type;
		this.displayName = displayName;
		this.ioHandlerFactory = ioHandlerFactory;
		this.ioHandle = ioHandle;
		this.channelClasses = Map.of(SocketChannel.class, socketChannel, ServerSocketChannel.class,
				serverSocketChannel, DatagramChannel.class, datagramChannel);
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

}
