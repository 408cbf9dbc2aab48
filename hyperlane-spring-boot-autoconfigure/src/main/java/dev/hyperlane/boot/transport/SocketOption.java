package dev.hyperlane.boot.transport;

import java.util.Locale;

/**
 * The socket-option vocabulary shared by the server and the clients; {@link Transport#channelOption} maps each
 * entry to the active transport's option class.
 */
public enum SocketOption {

	/** TCP_NODELAY, a boolean. */
	TCP_NO_DELAY(false),

	/** SO_KEEPALIVE, a boolean. */
	KEEP_ALIVE(false),

	/** TCP_KEEPIDLE, whole seconds. */
	KEEP_ALIVE_IDLE(false),

	/** TCP_KEEPINTVL, whole seconds. */
	KEEP_ALIVE_INTERVAL(false),

	/** TCP_KEEPCNT, a count. */
	KEEP_ALIVE_COUNT(false),

	/** SO_BACKLOG, a queue length; listening sockets only. */
	BACKLOG(true),

	/** SO_REUSEADDR, a boolean; listening sockets only. */
	REUSE_ADDRESS(true),

	/** SO_REUSEPORT, a boolean; listening sockets only. */
	REUSE_PORT(true),

	/** SO_RCVBUF, bytes. */
	RECEIVE_BUFFER_SIZE(false),

	/** SO_SNDBUF, bytes. */
	SEND_BUFFER_SIZE(false),

	/** TCP_FASTOPEN, the fast-open queue length; listening sockets only. */
	TCP_FAST_OPEN(true),

	/** Netty's write-buffer water marks, a {@code WriteBufferWaterMark}. */
	WRITE_BUFFER_WATER_MARK(false);

	private final boolean listenerOnly;

	SocketOption(boolean listenerOnly) {
		this.listenerOnly = listenerOnly;
	}

	/**
	 * Return the property name below a {@code socket} prefix, such as {@code keep-alive-idle}: the constant's name in
	 * lower case with dashes.
	 * @return the property name
	 */
	public String propertyName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Return whether the option belongs to a listening socket rather than to each connection.
	 * @return {@code true} for listener options
	 */
	public boolean listenerOnly() {
		return this.listenerOnly;
	}

}
