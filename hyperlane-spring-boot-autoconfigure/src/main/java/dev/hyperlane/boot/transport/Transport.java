package dev.hyperlane.boot.transport;

import java.util.Map;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import org.jspecify.annotations.Nullable;

/**
 * One Netty transport: how to build its event loops, which channel classes go with them, and how the shared
 * socket-option vocabulary maps to its option classes. Implementations exist for io_uring, epoll and NIO; each
 * refers to its native classes only from its own class, so a missing native library never breaks class loading.
 */
public interface Transport {

	/**
	 * Return the transport's type.
	 * @return the type, never {@link TransportType#AUTO}
	 */
	TransportType type();

	/**
	 * Return the name shown in the endpoint: {@code io_uring}, {@code epoll} or {@code nio}.
	 * @return the name
	 */
	String displayName();

	/**
	 * Return a factory for this transport's I/O handlers, one per event loop.
	 * @return the I/O handler factory
	 */
	IoHandlerFactory ioHandlerFactory();

	/**
	 * Return whether the given event loop group runs this transport.
	 * @param group an event loop group
	 * @return {@code true} when channels of this transport can be registered on it
	 */
	boolean supports(EventLoopGroup group);

	/**
	 * Return this transport's class for the given channel type.
	 * @param channelType {@link SocketChannel}, {@link ServerSocketChannel} or {@link DatagramChannel}
	 * @return the implementation class
	 * @throws IllegalArgumentException for any other channel type
	 */
	Class<? extends Channel> channelClass(Class<? extends Channel> channelType);

	/**
	 * Return the option that carries a socket option of the vocabulary on this transport.
	 * @param option the option in the shared vocabulary
	 * @param listener whether the option is for a listening (server) socket rather than a connection
	 * @return the channel option, or {@code null} when this transport cannot apply it
	 */
	@Nullable ChannelOption<?> channelOption(SocketOption option, boolean listener);

	/**
	 * Return the options that are the same on every transport.
	 * @return the common options by vocabulary entry
	 */
	static Map<SocketOption, ChannelOption<?>> commonOptions() {
		return CommonOptions.OPTIONS;
	}

	/**
	 * Throw the error every transport raises for a channel type it does not provide.
	 * @param channelType the requested channel type
	 * @return never
	 */
	static IllegalArgumentException unsupportedChannel(Class<?> channelType) {
		return new IllegalArgumentException("Unsupported channel type: " + channelType.getName());
	}

	/**
	 * The options every transport maps the same way, built once.
	 */
	final class CommonOptions {

		static final Map<SocketOption, ChannelOption<?>> OPTIONS = Map.of(SocketOption.TCP_NO_DELAY,
				ChannelOption.TCP_NODELAY, SocketOption.KEEP_ALIVE, ChannelOption.SO_KEEPALIVE, SocketOption.BACKLOG,
				ChannelOption.SO_BACKLOG, SocketOption.REUSE_ADDRESS, ChannelOption.SO_REUSEADDR,
				SocketOption.RECEIVE_BUFFER_SIZE, ChannelOption.SO_RCVBUF, SocketOption.SEND_BUFFER_SIZE,
				ChannelOption.SO_SNDBUF, SocketOption.WRITE_BUFFER_WATER_MARK, ChannelOption.WRITE_BUFFER_WATER_MARK);

		private CommonOptions() {
		}

	}

}
