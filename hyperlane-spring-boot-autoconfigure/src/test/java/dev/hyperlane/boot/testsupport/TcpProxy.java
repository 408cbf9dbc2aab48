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

import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on {@code 127.0.0.1} that a test puts between a client and its peer (a server, a database) to break
 * the link the ways a network does. Each accepted connection is relayed to the target as it is, byte for byte, in
 * both directions, over a connection of its own; two daemon threads with blocking sockets per connection, so hundreds
 * of concurrent connections are fine. Plain {@code java.net} sockets: there is nothing to tune, and the test owns
 * every byte.
 * <ul>
 * <li><b>Cut and restore</b> ({@link #start(String, int)}): {@link #cut()} closes the listening socket and every open
 * connection, so the client sees its pooled connections die and new connections refused, as when the peer stops;
 * {@link #restore()} listens on the same port again.</li>
 * <li><b>Silent drop</b> ({@link #forgettingIdleFlows(int, Duration)}): the proxy forgets idle flows the way a NAT
 * gateway, a firewall or a cloud load balancer does. Once a connection has carried no byte in either direction for
 * longer than the idle limit, the proxy stops forwarding in both directions without sending a {@code FIN} or an
 * {@code RST} to the client. The client socket stays open; whatever the client sends afterwards is read and discarded
 * and never answered, so a client that reuses the connection waits until its own timeout fires, exactly as behind a
 * middlebox whose flow table no longer has the entry. Whatever the target sends after that point is discarded too.
 * The client socket is closed only when the target closes its side (then the client sees an ordinary close, which a
 * real middlebox would not relay: give the target a keep-alive timeout longer than the window a test observes) or
 * when the proxy is closed. A flow is forgotten when its idle limit passes, checked every few milliseconds, or at the
 * latest when its next byte arrives; {@link #flowsForgotten()} counts them. Before that, a close or reset from either
 * side is relayed as usual.</li>
 * </ul>
 */
public final class TcpProxy implements AutoCloseable {

	private static final int BUFFER_SIZE = 16 * 1024;

	private static final int CONNECT_TIMEOUT_MILLIS = 2000;

	private final InetSocketAddress target;

	/** How long a flow may stay idle before it is forgotten; 0 when flows are never forgotten. */
	private final long idleLimitNanos;

	private final int port;

	private final Set<Flow> flows = ConcurrentHashMap.newKeySet();

	private final AtomicInteger connectionsAccepted = new AtomicInteger();

	private final AtomicInteger flowsForgotten = new AtomicInteger();

	private volatile @Nullable ServerSocket listener;

	private volatile @Nullable Thread acceptor;

	private volatile boolean closed;

	private TcpProxy(String targetHost, int targetPort, @Nullable Duration idleLimit) {
		if (idleLimit != null && (idleLimit.isNegative() || idleLimit.isZero())) {
			throw new IllegalArgumentException("idleLimit must be positive");
		}
		this.target = new InetSocketAddress(targetHost, targetPort);
		this.idleLimitNanos = (idleLimit != null) ? idleLimit.toNanos() : 0;
		ServerSocket socket = listen(0);
		this.port = socket.getLocalPort();
		accept(socket);
		if (idleLimit != null) {
			long tick = Math.max(1, Math.min(50, idleLimit.toMillis() / 20));
			startDaemon("tcp-proxy-reaper-" + this.port, () -> reapLoop(tick));
		}
	}

	/**
	 * Start a proxy that relays every connection until it is {@link #cut()} or closed.
	 * @param targetHost the target's host
	 * @param targetPort the target's port
	 * @return the running proxy
	 */
	public static TcpProxy start(String targetHost, int targetPort) {
		return new TcpProxy(targetHost, targetPort, null);
	}

	/**
	 * Start a proxy to a target on {@code 127.0.0.1} that forgets idle flows silently.
	 * @param targetPort the target's port on {@code 127.0.0.1}
	 * @param idleLimit how long a connection may stay idle before the proxy forgets it
	 * @return the running proxy
	 * @throws IllegalArgumentException when the idle limit is not positive
	 */
	public static TcpProxy forgettingIdleFlows(int targetPort, Duration idleLimit) {
		return new TcpProxy("127.0.0.1", targetPort, idleLimit);
	}

	/**
	 * Return the port the proxy listens on; the same after {@link #restore()}.
	 * @return the port on {@code 127.0.0.1}
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the base URL of the proxy.
	 * @return {@code http://127.0.0.1:<port>}, without a trailing slash
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
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
	 * @return the number of flows forgotten so far; always 0 for a proxy that never forgets
	 */
	public int flowsForgotten() {
		return this.flowsForgotten.get();
	}

	/**
	 * Return whether the proxy is listening (neither cut nor closed).
	 * @return whether new connections are accepted
	 */
	public boolean isListening() {
		return this.listener != null;
	}

	/**
	 * Stop listening and close every open connection, client and target sides; new connections are refused until
	 * {@link #restore()}.
	 */
	public synchronized void cut() {
		ServerSocket current = this.listener;
		this.listener = null;
		if (current != null) {
			closeQuietly(current);
			// a thread blocked in accept holds the listening socket open until it wakes up: until then the port
			// would still accept connections and could not be bound again
			Thread thread = this.acceptor;
			if (thread != null && thread != Thread.currentThread()) {
				try {
					thread.join(2000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
		}
		for (Flow flow : this.flows) {
			flow.closeBoth();
		}
	}

	/**
	 * Listen on the same port again after {@link #cut()}.
	 */
	public synchronized void restore() {
		if (this.listener == null && !this.closed) {
			accept(listen(this.port));
		}
	}

	/**
	 * Stop accepting and close every connection, client and target sides.
	 */
	@Override
	public void close() {
		this.closed = true;
		cut();
	}

	@Override
	public String toString() {
		return "TcpProxy 127.0.0.1:" + this.port + " -> " + this.target;
	}

	private static ServerSocket listen(int port) {
		try {
			ServerSocket socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 512);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not listen on 127.0.0.1:" + port, ex);
		}
	}

	private void accept(ServerSocket socket) {
		this.listener = socket;
		this.acceptor = startDaemon("tcp-proxy-accept-" + this.port, () -> acceptLoop(socket));
	}

	private void acceptLoop(ServerSocket socket) {
		while (!socket.isClosed()) {
			Socket client;
			try {
				client = socket.accept();
			}
			catch (IOException ex) {
				return;
			}
			this.connectionsAccepted.incrementAndGet();
			startDaemon("tcp-proxy-connect", () -> open(client));
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
		if (this.listener == null) {
			// cut or closed while connecting
			flow.closeBoth();
			return;
		}
		startDaemon("tcp-proxy-upstream-" + upstream.getLocalPort(), flow::relayFromUpstream);
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

	private static Thread startDaemon(String name, Runnable task) {
		Thread thread = new Thread(null, task, name, 256 * 1024);
		thread.setDaemon(true);
		thread.start();
		return thread;
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
			long limit = TcpProxy.this.idleLimitNanos;
			if (!this.forgotten && limit > 0 && now - this.lastActivity > limit) {
				this.forgotten = true;
				TcpProxy.this.flowsForgotten.incrementAndGet();
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
			relay(this.client, this.upstream, true);
		}

		void relayFromUpstream() {
			relay(this.upstream, this.client, false);
		}

		private void relay(Socket from, Socket to, boolean fromClient) {
			byte[] buffer = new byte[BUFFER_SIZE];
			// The streams are not closed when the loop ends: closing a socket's stream closes the socket, and a
			// forgotten flow must keep the client socket open.
			try {
				InputStream in = from.getInputStream();
				OutputStream out = to.getOutputStream();
				int read;
				while ((read = in.read(buffer)) != -1) {
					if (touch()) {
						out.write(buffer, 0, read);
						out.flush();
					}
				}
				if (touch()) {
					// a close from either side is relayed as a half close
					to.shutdownOutput();
					finish(fromClient);
				}
				else if (!fromClient) {
					// Forgotten: the target closed, so the client socket is closed at last (a client's close of a
					// forgotten flow is not relayed: only the target's own close ends it).
					closeBoth();
				}
			}
			catch (IOException ex) {
				// A reset by either side, a write to a side that went away, or a cut; a forgotten flow keeps its
				// client socket open until the target closes.
				if (!fromClient || !isForgotten()) {
					closeBoth();
				}
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
			TcpProxy.this.flows.remove(this);
		}

	}

}
