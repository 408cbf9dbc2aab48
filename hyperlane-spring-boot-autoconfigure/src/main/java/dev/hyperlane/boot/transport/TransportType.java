package dev.hyperlane.boot.transport;

/**
 * Network transport that carries the server's and the clients' sockets.
 */
public enum TransportType {

	/**
	 * epoll when its native library loads, else NIO; io_uring first only when Netty's multishot accept is off
	 * ({@code -Dio.netty.iouring.acceptMultiShotEnabled=false}; why: {@link TransportSelector}).
	 */
	AUTO,

	/** Linux io_uring (kernel 5.14 or later); Netty's {@code netty-transport-native-io_uring}. */
	IO_URING,

	/** Linux epoll; Netty's {@code netty-transport-native-epoll}. */
	EPOLL,

	/** The JDK's NIO selector: works everywhere, fewer socket options. */
	NIO

}
