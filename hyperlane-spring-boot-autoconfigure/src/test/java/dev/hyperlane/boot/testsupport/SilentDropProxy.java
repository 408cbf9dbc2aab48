package dev.hyperlane.boot.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on {@code 127.0.0.1} that forgets idle flows the way a NAT gateway, a firewall or a cloud load balancer
 * does, for client tests about pooled connections that a middlebox silently dropped.
 * <p>
 * Each accepted connection is relayed to the target as it is, byte for byte, in both directions. Once a connection
 * has carried no byte in either direction for longer than the idle limit, the proxy <em>forgets</em> it: it stops
 * forwarding in both directions without sending a {@code FIN} or an {@code RST} to the client. The client socket stays
 * open; whatever the client sends afterwards is read and discarded and never answered, so a client that reuses the
 * connection waits until its own timeout fires, exactly as behind a middlebox whose flow table no longer has the entry.
 * Whatever the target sends after that point is discarded too. The client socket is closed only when the target
 * closes its side (then the client sees an ordinary close, which a real middlebox would not relay: give the target a
 * keep-alive timeout longer than the window a test observes) or when the proxy is closed.
 * <p>
 * A flow is forgotten when its idle limit passes, checked every few milliseconds, or at the latest when its next byte
 * arrives; {@link #flowsForgotten()} counts them. Before that, a close or reset from either side is relayed as usual.
 * Every connection uses two daemon threads with blocking sockets, so hundreds of concurrent connections are fine.
 */
public final class SilentDropProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 16 * 1024;

	private static final int CONNECT_TIMEOUT_MILLIS = 2000;

	private final InetSocketAddress target;

	private final long idleLimitNanos;

	private final ServerSocket serverSocket;

	private final Set<Flow> flows = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionsAccepted = new AtomicInteger();

	private final AtomicInteger flowsForgotten = new AtomicInteger();

	private volatile boolean closed;

	/**
	 * Start a proxy to a target on the loopback address.
	 * @param targetPort the target's port on {@code 127.0.0.1}
	 * @param idleLimit how long a connection may stay idle before the proxy forgets it
	 */
	public SilentDropProxy(int targetPort, Duration idleLimit) {
		this("127.0.0.1", targetPort, idleLimit);
	}

	/**
	 * Start a proxy to a target.
	 * @param targetHost the target's host (a loopback address in tests)
	 * @param targetPort the target's port
	 * @param idleLimit how long a connection may stay idle before the proxy forgets it
	 */
	public SilentDropProxy(String targetHost, int targetPort, Duration idleLimit) {
		if (idleLimit.isNegative() || idleLimit.isZero()) {
			throw new IllegalArgumentException("idleLimit must be positive");
		}
		this.target = new InetSocketAddress(targetHost, targetPort);
		this.idleLimitNanos = idleLimit.toNanos();
		try {
			this.serverSocket = new ServerSocket();
			this.serverSocket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] { 127, 0, 0, 1 }), 0), 512);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on the loopback address", ex);
		}
		startDaemon("silent-drop-accept-" + port(), this::acceptLoop);
		long tick = Math.max(1, Math.min(50, idleLimit.toMillis() / 20));
		startDaemon("silent-drop-reaper-" + port(), () -> reapLoop(tick));
	}

	/**
	 * Return the port the proxy listens on.
	 * @return the port on {@code 127.0.0.1}
	 */
	public int port() {
		return this.serverSocket.getLocalPort();
	}

	/**
	 * Return the base URL of the proxy.
	 * @return {@code http://127.0.0.1:<port>}, without a trailing slash
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + port();
	}

	/**
	 * Return how many client connections the proxy has accepted.
	 * @return the number of connections accepted so far
	 */
	public int connectionsAccepted() {
		return this.connectionsAccepted.get();
	}

	/**
	 * Return how many connections the proxy has forgotten because they stayed idle too long.
	 * @return the number of flows forgotten so far
	 */
	public int flowsForgotten() {
		return this.flowsForgotten.get();
	}

	/**
	 * Stop accepting and close every connection, client and target sides.
	 */
	@Override
	public void close() {
		this.closed = true;
		closeQuietly(this.serverSocket);
		for (Flow flow : this.flows) {
			flow.closeBoth();
		}
	}

	@Override
	public String toString() {
		return "SilentDropProxy 127.0.0.1:" + port() + " -> " + this.target;
	}

	private void acceptLoop() {
		while (!this.closed) {
			Socket client;
			try {
				client = this.serverSocket.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.connectionsAccepted.incrementAndGet();
			startDaemon("silent-drop-connect", () -> open(client));
		}
	}

	private void open(Socket client) {
		Socket upstream = new Socket();
		try {
			client.setTcpNoDelay(true);
			upstream.setTcpNoDelay(true);
			upstream.connect(this.target, CONNECT_TIMEOUT_MILLIS);
		}
		catch (IOException ex) {
			closeQuietly(upstream);
			closeQuietly(client);
			return;
		}
		Flow flow = new Flow(client, upstream);
		this.flows.add(flow);
		if (this.closed) {
			flow.closeBoth();
			return;
		}
		startDaemon("silent-drop-upstream-" + upstream.getLocalPort(), flow::relayFromUpstream);
		flow.relayFromClient();
	}

	private void reapLoop(long tickMillis) {
		while (!this.closed) {
			try {
				Thread.sleep(tickMillis);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			for (Flow flow : this.flows) {
				flow.forgetIfIdle(now);
			}
		}
	}

	private static void startDaemon(String name, Runnable task) {
		Thread thread = new Thread(null, task, name, 256 * 1024);
		thread.setDaemon(true);
		thread.start();
	}

	private static void closeQuietly(AutoCloseable closeable) {
		try {
			closeable.close();
		}
		catch (Exception ex) {
			// already closed
		}
	}

	/**
	 * One proxied connection: the client socket, the target socket and whether the proxy still remembers them.
	 */
	private final class Flow {

		private final Socket client;

		private final Socket upstream;

		private long lastActivity = System.nanoTime();

		private boolean forgotten;

		private boolean clientDone;

		private boolean upstreamDone;

		Flow(Socket client, Socket upstream) {
			this.client = client;
			this.upstream = upstream;
		}

		/**
		 * Forget the flow when it has been idle for longer than the limit.
		 * @param now the current {@link System#nanoTime()}
		 * @return {@code true} when the flow is forgotten (now or before)
		 */
		synchronized boolean forgetIfIdle(long now) {
			if (!this.forgotten && now - this.lastActivity > SilentDropProxy.this.idleLimitNanos) {
				this.forgotten = true;
				SilentDropProxy.this.flowsForgotten.incrementAndGet();
			}
			return this.forgotten;
		}

		/**
		 * Record that bytes (or a close) arrived, unless the flow is already forgotten.
		 * @return {@code true} when they must be relayed, {@code false} when they must be discarded
		 */
		private synchronized boolean touch() {
			long now = System.nanoTime();
			if (forgetIfIdle(now)) {
				return false;
			}
			this.lastActivity = now;
			return true;
		}

		void relayFromClient() {
			byte[] buffer = new byte[BUFFER_SIZE];
			// The streams are not closed when the loop ends: closing a socket's stream closes the socket, and a
			// forgotten flow must keep the client socket open.
			try {
				InputStream in = this.client.getInputStream();
				OutputStream out = this.upstream.getOutputStream();
				int read;
				while ((read = in.read(buffer)) != -1) {
					if (touch()) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				// The client closed its side: relay it, unless the flow is forgotten (then only the target's own
				// close ends the flow).
				if (touch()) {
					this.upstream.shutdownOutput();
					finish(true);
				}
			}
			catch (IOException ex) {
				// A reset by the client, or a write to a target that went away.
				if (!isForgotten()) {
					closeBoth();
				}
			}
		}

		void relayFromUpstream() {
			byte[] buffer = new byte[BUFFER_SIZE];
			try {
				InputStream in = this.upstream.getInputStream();
				OutputStream out = this.client.getOutputStream();
				int read;
				while ((read = in.read(buffer)) != -1) {
					if (touch()) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				if (touch()) {
					this.client.shutdownOutput();
					finish(false);
				}
				else {
					// Forgotten: the target closed, so the client socket is closed at last.
					closeBoth();
				}
			}
			catch (IOException ex) {
				closeBoth();
			}
		}

		private synchronized boolean isForgotten() {
			return this.forgotten;
		}

		private void finish(boolean clientSide) {
			boolean both;
			synchronized (this) {
				if (clientSide) {
					this.clientDone = true;
				}
				else {
					this.upstreamDone = true;
				}
				both = this.clientDone && this.upstreamDone;
			}
			if (both) {
				closeBoth();
			}
		}

		void closeBoth() {
			closeQuietly(this.client);
			closeQuietly(this.upstream);
			SilentDropProxy.this.flows.remove(this);
		}

	}

}
