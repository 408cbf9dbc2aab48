package dev.hyperlane.boot.transport;

/**
 * The socket-option vocabulary shared by the server and the clients; {@link Transport#channelOption} maps each
 * entry to the active transport's option class.
 */
public enum SocketOption {

	/** TCP_NODELAY, a boolean. */
	TCP_NO_DELAY("tcp-no-delay", false),

	/** SO_KEEPALIVE, a boolean. */
	KEEP_ALIVE("keep-alive", false),

	/** TCP_KEEPIDLE, whole seconds. */
	KEEP_ALIVE_IDLE("keep-alive-idle", false),

	/** TCP_KEEPINTVL, whole seconds. */
	KEEP_ALIVE_INTERVAL("keep-alive-interval", false),

	/** TCP_KEEPCNT, a count. */
	KEEP_ALIVE_COUNT("keep-alive-count", false),

	/** SO_BACKLOG, a queue length; listening sockets only. */
	BACKLOG("backlog", true),

	/** SO_REUSEADDR, a boolean; listening sockets only. */
	REUSE_ADDRESS("reuse-address", true),

	/** SO_REUSEPORT, a boolean; listening sockets only. */
	REUSE_PORT("reuse-port", true),

	/** SO_RCVBUF, bytes. */
	RECEIVE_BUFFER_SIZE("receive-buffer-size", false),

	/** SO_SNDBUF, bytes. */
	SEND_BUFFER_SIZE("send-buffer-size", false),

	/** TCP_FASTOPEN, the fast-open queue length; listening sockets only. */
	TCP_FAST_OPEN("tcp-fast-open", true),

	/** Netty's write-buffer water marks, a {@code WriteBufferWaterMark}. */
	WRITE_BUFFER_WATER_MARK("write-buffer-water-mark", false);

	private final String propertyName;

	private final boolean listenerOnly;

	SocketOption(String propertyName, boolean listenerOnly) {
		this.propertyName = propertyName;
		this.listenerOnly = listenerOnly;
	}

	/**
	 * Return the property name below a {@code socket} prefix, such as {@code keep-alive-idle}.
	 * @return the property name
	 */
	public String propertyName() {
		return this.propertyName;
	}

	/**
	 * Return whether the option belongs to a listening socket rather than to each connection.
	 * @return {@code true} for listener options
	 */
	public boolean listenerOnly() {
		return this.listenerOnly;
	}

}
