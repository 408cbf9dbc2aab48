package dev.hyperlane.boot.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.hyperlane.boot.CallerDeadlines;
import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import io.netty.channel.Channel;
import org.jspecify.annotations.Nullable;

/**
 * Live figures of the running server, counted by handlers that the tuner installs: connections open and accepted,
 * requests received, request-header timeouts, the shortest deadline callers announced
 * ({@value CallerDeadlines#HEADER}), and the socket options read back from the listening socket and the latest
 * accepted connection. Thread-safe.
 */
public final class ServerStatistics implements CallerDeadlines {

	private final AtomicLong shortestCallerTimeout = new AtomicLong(Long.MAX_VALUE);

	private final AtomicLong openConnections = new AtomicLong();

	private final Counts<Count> counts = new Counts<>(Count.class);

	private final LongAdder tlsHandshakeFailures = new LongAdder();

	private volatile Map<String, Object> listenerOptions = Map.of();

	private volatile Map<String, Object> connectionOptions = Map.of();

	private volatile @Nullable String channelType;

	private volatile ProtocolGuards guards = ProtocolGuards.NONE;

	private final Map<String, LongAdder> guardedConnections = new ConcurrentHashMap<>();

	/**
	 * Count a connection in if fewer than {@code limit} are open; otherwise count it refused.
	 * @param limit {@code max-connections}, or -1 for no limit
	 * @return whether the connection may stay open (then {@link #connectionClosed()} must follow its close)
	 */
	boolean admitConnection(int limit) {
		while (true) {
			long open = this.openConnections.get();
			if (limit > 0 && open >= limit) {
				increment(Count.CONNECTIONS_REFUSED);
				return false;
			}
			if (this.openConnections.compareAndSet(open, open + 1)) {
				return true;
			}
		}
	}

	void connectionOpened(Channel channel, SocketOptionPlan plan) {
		this.counts.increment(Count.ACCEPTED_CONNECTIONS);
		if (this.connectionOptions.isEmpty() || this.counts.get(Count.ACCEPTED_CONNECTIONS) % 64 == 1) {
			this.connectionOptions = readBack(channel, plan, false);
			this.channelType = channel.getClass().getSimpleName();
		}
	}

	void connectionClosed() {
		this.openConnections.decrementAndGet();
	}

	/**
	 * Count one more of something.
	 * @param count what happened
	 */
	void increment(Count count) {
		this.counts.increment(count);
	}

	void callerTimeout(@Nullable String header) {
		if (header == null) {
			return;
		}
		try {
			long millis = Long.parseLong(header.trim());
			if (millis > 0) {
				this.shortestCallerTimeout.accumulateAndGet(millis, Math::min);
			}
		}
		catch (NumberFormatException ex) {
			// not a deadline: ignore
		}
	}

	@Override
	public OptionalLong shortestCallerTimeoutMillis() {
		long shortest = this.shortestCallerTimeout.get();
		return (shortest != Long.MAX_VALUE) ? OptionalLong.of(shortest) : OptionalLong.empty();
	}

	void requestAnsweredByServer() {
		increment(Count.ANSWERED_BY_SERVER);
	}

	void requestClosedByClient() {
		increment(Count.CLOSED_BY_CLIENT);
	}

	void tlsHandshakeFailed() {
		this.tlsHandshakeFailures.increment();
	}

	void guardsApplied(ProtocolGuards guards) {
		this.guards = guards;
	}

	void guardedConnection(String protocol) {
		this.guardedConnections.computeIfAbsent(protocol, (key) -> new LongAdder()).increment();
	}

	void listenerBound(Channel channel, SocketOptionPlan plan) {
		this.listenerOptions = readBack(channel, plan, true);
	}

	private static Map<String, Object> readBack(Channel channel, SocketOptionPlan plan, boolean listener) {
		Map<String, Object> values = new LinkedHashMap<>();
		for (SocketOptionPlan.Applied applied : plan.applied()) {
			if (applied.listener() == listener) {
				Object value;
				try {
					value = channel.config().getOption(applied.channelOption());
				}
				catch (RuntimeException ex) {
					value = "unreadable: " + ex.getMessage();
				}
				values.put(applied.option().propertyName(), (value != null) ? value : "unreadable");
			}
		}
		return Collections.unmodifiableMap(values);
	}

	/**
	 * Return the number of open connections.
	 * @return the connections open now
	 */
	public long openConnections() {
		return this.openConnections.get();
	}

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	/**
	 * Return the number of connections whose TLS handshake failed (shown with the server's TLS, not with the
	 * counts).
	 * @return the failed handshakes
	 */
	public long tlsHandshakeFailures() {
		return this.tlsHandshakeFailures.sum();
	}

	/**
	 * Describe the guards against hostile clients per protocol the server speaks, as applied, with the connections
	 * they were installed on (see {@link ProtocolGuards}).
	 * @return the guards by protocol name ({@code http/1.1}, {@code h2c}, {@code h2})
	 */
	public Map<String, Object> protocolGuards() {
		Map<String, Long> connections = new LinkedHashMap<>();
		this.guardedConnections.forEach((protocol, count) -> connections.put(protocol, count.sum()));
		return this.guards.describe(connections);
	}

	/**
	 * Return the socket options read back from the listening socket, by vocabulary name.
	 * @return the values the kernel reports
	 */
	public Map<String, Object> listenerOptions() {
		return this.listenerOptions;
	}

	/**
	 * Return the socket options read back from a recently accepted connection, by vocabulary name.
	 * @return the values the kernel reports
	 */
	public Map<String, Object> connectionOptions() {
		return this.connectionOptions;
	}

	/**
	 * Return the class of a recently accepted connection's channel, such as {@code EpollSocketChannel}.
	 * @return the simple class name, or {@code null} before the first connection
	 */
	public @Nullable String channelType() {
		return this.channelType;
	}

	/**
	 * What the server counts, in the order the endpoint's {@code server} section shows it.
	 */
	public enum Count {

		/** Connections accepted. */
		ACCEPTED_CONNECTIONS,

		/** Connections closed as they were accepted because {@code max-connections} were open. */
		CONNECTIONS_REFUSED,

		/**
		 * Requests received: HTTP/1.1 requests and HTTP/2 streams, counted when Reactor Netty configures each one.
		 */
		REQUESTS,

		/** Connections closed because their request headers took too long. */
		REQUEST_HEADER_TIMEOUTS,

		/** Requests whose line or headers could not be decoded (answered 400, 414 or 431). */
		MALFORMED_REQUESTS,

		/**
		 * Requests Reactor Netty answered itself (400 for a malformed body) while the application was still reading
		 * them; their errors were dropped instead of logged.
		 */
		ANSWERED_BY_SERVER,

		/**
		 * Requests whose client closed the connection before the request body was complete; their errors were
		 * dropped instead of logged.
		 */
		CLOSED_BY_CLIENT,

		/** Request bodies that did not arrive whole within the body timeouts (answered 408). */
		REQUEST_BODY_TIMEOUTS,

		/** Request bodies refused because request body memory was full (answered 503). */
		REQUEST_BODIES_SHED,

		/** Times a connection stopped being read because too many pipelined responses were pending. */
		PIPELINING_PAUSES,

		/** Direct buffer allocations that failed for lack of direct memory; each closed its connection. */
		DIRECT_MEMORY_EXHAUSTED

	}

}
