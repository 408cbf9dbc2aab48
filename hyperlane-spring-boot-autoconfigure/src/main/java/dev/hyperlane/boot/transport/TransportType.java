package dev.hyperlane.boot.transport;

/**
 * Network transport that carries the server's and the clients' sockets.
 */
public enum TransportType {

	/**
	 * io_uring (with single accepts) when its native library loads, else epoll, else NIO; epoll before io_uring when
	 * Netty's multishot accept is on ({@code -Dio.netty.iouring.acceptMultiShotEnabled=true}; why:
	 * {@link TransportSelector}).
	 */
	AUTO,

	/** Linux io_uring (kernel 5.14 or later); Netty's {@code netty-transport-native-io_uring}. */
	IO_URING,

	/** Linux epoll; Netty's {@code netty-transport-native-epoll}. */
	EPOLL,

	/** The JDK's NIO selector: works everywhere, fewer socket options. */
	NIO

}
