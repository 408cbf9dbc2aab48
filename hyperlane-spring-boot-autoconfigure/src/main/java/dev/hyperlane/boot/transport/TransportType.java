package dev.hyperlane.boot.transport;

/**
 * Network transport that carries the server's and the clients' sockets.
 */
public enum TransportType {

	/** io_uring when its native library loads, else epoll, else NIO. */
	AUTO,

	/** Linux io_uring (kernel 5.14 or later); Netty's {@code netty-transport-native-io_uring}. */
	IO_URING,

	/** Linux epoll; Netty's {@code netty-transport-native-epoll}. */
	EPOLL,

	/** The JDK's NIO selector: works everywhere, fewer socket options. */
	NIO

}
