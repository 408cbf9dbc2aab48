package dev.hyperlane.samples.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * A TCP forwarder on 127.0.0.1 that a test puts between a service and its database (or any peer) to cut the link
 * and bring it back. Each accepted connection is piped to the target over a connection of its own, one thread per
 * direction. {@link #cut()} closes the listening socket and every open connection, so the service sees its
 * pooled connections die and new connections refused, as when the database stops; {@link #restore()} listens on
 * the same port again. Plain {@code java.net} sockets: there is nothing to tune, and the test owns every byte.
 */
public final class TcpProxy implements AutoCloseable {

	private final String targetHost;

	private final int targetPort;

	private final int port;

	private final Set<Socket> open = ConcurrentHashMap.newKeySet();

	private final AtomicLong accepted = new AtomicLong();

	private volatile @Nullable ServerSocket listener;

	private TcpProxy(String targetHost, int targetPort, ServerSocket listener) {
		this.targetHost = targetHost;
		this.targetPort = targetPort;
		this.port = listener.getLocalPort();
		accept(listener);
	}

	/**
	 * Listen on a free port of 127.0.0.1 and forward to a target.
	 * @param targetHost the target's host
	 * @param targetPort the target's port
	 * @return the running proxy
	 */
	public static TcpProxy start(String targetHost, int targetPort) {
		return new TcpProxy(targetHost, targetPort, listen(0));
	}

	/**
	 * The port the proxy listens on; the same after {@link #restore()}.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Connections accepted since the start.
	 * @return the count
	 */
	public long accepted() {
		return this.accepted.get();
	}

	/**
	 * Whether the proxy is listening (not cut).
	 * @return whether new connections are accepted
	 */
	public boolean isListening() {
		return this.listener != null;
	}

	/**
	 * Stop listening and close every open connection; new connections are refused until {@link #restore()}.
	 */
	public synchronized void cut() {
		ServerSocket current = this.listener;
		this.listener = null;
		closeQuietly(current);
		for (Socket socket : this.open) {
			closeQuietly(socket);
		}
		this.open.clear();
	}

	/**
	 * Listen on the same port again.
	 */
	public synchronized void restore() {
		if (this.listener == null) {
			accept(listen(this.port));
		}
	}

	@Override
	public void close() {
		cut();
	}

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, ex);
		}
	}

	private void accept(ServerSocket socket) {
		this.listener = socket;
		Thread acceptor = new Thread(() -> {
			while (!socket.isClosed()) {
				try {
					Socket client = socket.accept();
					this.accepted.incrementAndGet();
					connect(client);
				}
				catch (IOException ex) {
					// closed by cut()
				}
			}
		}, "tcp-proxy-accept-" + this.port);
		acceptor.setDaemon(true);
		acceptor.start();
	}

	private void connect(Socket client) {
		Socket target = new Socket();
		try {
			target.connect(new InetSocketAddress(this.targetHost, this.targetPort), 2000);
		}
		catch (IOException ex) {
			closeQuietly(client);
			closeQuietly(target);
			return;
		}
		this.open.add(client);
		this.open.add(target);
		if (this.listener == null) {
			// cut while connecting
			closeQuietly(client);
			closeQuietly(target);
			return;
		}
		pipe(client, target, "up");
		pipe(target, client, "down");
	}

	private void pipe(Socket from, Socket to, String direction) {
		Thread thread = new Thread(() -> {
			byte[] buffer = new byte[16384];
			try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
				int read;
				while ((read = in.read(buffer)) != -1) {
					out.write(buffer, 0, read);
					out.flush();
				}
			}
			catch (SocketException ex) {
				// closed by the other side or by cut()
			}
			catch (IOException ex) {
				// the same, reported differently
			}
			finally {
				closeQuietly(from);
				closeQuietly(to);
				this.open.remove(from);
				this.open.remove(to);
			}
		}, "tcp-proxy-" + direction + "-" + this.port);
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(@Nullable AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// already closed
			}
		}
	}

}
