package dev.hyperlane.boot.server;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.hyperlane.boot.CallerDeadlines;
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

	private final LongAdder[] counts = new LongAdder[Count.values().length];

	private final LongAdder tlsHandshakeFailures = new LongAdder();

	private volatile Map<String, Object> listenerOptions = Map.of();

	private volatile Map<String, Object> connectionOptions = Map.of();

	private volatile @Nullable String channelType;

	private volatile ProtocolGuards guards = ProtocolGuards.NONE;

	private final Map<String, LongAdder> guardedConnections = new ConcurrentHashMap<>();

	/**
	 * Create statistics with every count at 0.
	 */
	public ServerStatistics() {
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
	}

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
		LongAdder accepted = this.counts[Count.ACCEPTED_CONNECTIONS.ordinal()];
		accepted.increment();
		if (this.connectionOptions.isEmpty() || accepted.sum() % 64 == 1) {
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
		this.counts[count.ordinal()].increment();
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
	 * Return how many times something happened since start.
	 * @param count what happened
	 * @return the count
	 */
	public long get(Count count) {
		return this.counts[count.ordinal()].sum();
	}

	/**
	 * Return every count, by name, in the order of {@link Count}.
	 * @return the counts since start
	 */
	public Map<String, Long> counts() {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (Count count : Count.values()) {
			counts.put(count.key(), get(count));
		}
		return counts;
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
		ACCEPTED_CONNECTIONS("acceptedConnections"),

		/** Connections closed as they were accepted because {@code max-connections} were open. */
		CONNECTIONS_REFUSED("connectionsRefused"),

		/**
		 * Requests received: HTTP/1.1 requests and HTTP/2 streams, counted when Reactor Netty configures each one.
		 */
		REQUESTS("requests"),

		/** Connections closed because their request headers took too long. */
		REQUEST_HEADER_TIMEOUTS("requestHeaderTimeouts"),

		/** Requests whose line or headers could not be decoded (answered 400, 414 or 431). */
		MALFORMED_REQUESTS("malformedRequests"),

		/**
		 * Requests Reactor Netty answered itself (400 for a malformed body) while the application was still reading
		 * them; their errors were dropped instead of logged.
		 */
		ANSWERED_BY_SERVER("answeredByServer"),

		/**
		 * Requests whose client closed the connection before the request body was complete; their errors were
		 * dropped instead of logged.
		 */
		CLOSED_BY_CLIENT("closedByClient"),

		/** Request bodies that did not arrive whole within the body timeouts (answered 408). */
		REQUEST_BODY_TIMEOUTS("requestBodyTimeouts"),

		/** Request bodies refused because request body memory was full (answered 503). */
		REQUEST_BODIES_SHED("requestBodiesShed"),

		/** Times a connection stopped being read because too many pipelined responses were pending. */
		PIPELINING_PAUSES("pipeliningPauses"),

		/** Direct buffer allocations that failed for lack of direct memory; each closed its connection. */
		DIRECT_MEMORY_EXHAUSTED("directMemoryExhausted");

		private final String key;

		Count(String key) {
			this.key = key;
		}

		/**
		 * Return the name the endpoint shows the count under.
		 * @return the name, such as {@code requestHeaderTimeouts}
		 */
		public String key() {
			return this.key;
		}

	}

}
