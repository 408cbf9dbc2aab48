package dev.hyperlane.boot.transport;

import org.jspecify.annotations.Nullable;

/**
 * Socket options of a server: those of each accepted connection ({@link SocketOptionsProperties}) and those of the
 * listening socket, which a client does not have and is not offered.
 */
public class ServerSocketOptionsProperties extends SocketOptionsProperties {

	/**
	 * Length of the accept queue (SO_BACKLOG); the kernel caps it at net.core.somaxconn.
	 */
	private @Nullable Integer backlog;

	/**
	 * Whether the listening address may be rebound while old connections linger in TIME_WAIT (SO_REUSEADDR).
	 */
	private @Nullable Boolean reuseAddress;

	/**
	 * Whether several processes may listen on the same port, the kernel spreading connections (SO_REUSEPORT).
	 */
	private @Nullable Boolean reusePort;

	/**
	 * Length of the TCP Fast Open queue of the listening socket (TCP_FASTOPEN); 0 or unset turns it off. Native
	 * transports only.
	 */
	private @Nullable Integer tcpFastOpen;

	public @Nullable Integer getBacklog() {
		return this.backlog;
	}

	public void setBacklog(@Nullable Integer backlog) {
		this.backlog = backlog;
	}

	public @Nullable Boolean getReuseAddress() {
		return this.reuseAddress;
	}

	public void setReuseAddress(@Nullable Boolean reuseAddress) {
		this.reuseAddress = reuseAddress;
	}

	public @Nullable Boolean getReusePort() {
		return this.reusePort;
	}

	public void setReusePort(@Nullable Boolean reusePort) {
		this.reusePort = reusePort;
	}

	public @Nullable Integer getTcpFastOpen() {
		return this.tcpFastOpen;
	}

	public void setTcpFastOpen(@Nullable Integer tcpFastOpen) {
		this.tcpFastOpen = tcpFastOpen;
	}

}
