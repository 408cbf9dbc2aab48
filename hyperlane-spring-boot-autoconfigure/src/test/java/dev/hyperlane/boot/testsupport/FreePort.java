package dev.hyperlane.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Finds a TCP port on {@code 127.0.0.1} that is free right now, for peers that cannot listen on port {@code 0} and
 * report the port they got (nginx needs a fixed port in its configuration). The port is only free when this method
 * returns: a caller must be ready to retry with another one if its server then fails to bind.
 */
public final class FreePort {

	private FreePort() {
	}

	/**
	 * Return a port on the loopback address that the operating system just assigned and released.
	 * @return the port
	 */
	public static int find() {
		try (ServerSocket socket = new ServerSocket()) {
			socket.setReuseAddress(false);
			socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), 0), 1);
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not find a free port on the loopback address", ex);
		}
	}

}
