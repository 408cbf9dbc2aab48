package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.Locale;
import java.util.function.BiPredicate;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.util.AttributeKey;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.http.client.HttpClientResponse;
import reactor.netty.resources.ConnectionProvider.ConnectionMetadata;

/**
 * Evicts pooled connections before the peer closes them: when they are idle for the max idle time, or, when the
 * peer advertised its own idle timeout in a {@code Keep-Alive: timeout=N} response header (Node.js sends
 * {@code timeout=5}), for N seconds minus a safety margin, whichever comes first. Connections that are closed or
 * not reusable are evicted too. Reactor Netty's max life time (with its variance) still applies on top.
 */
final class KeepAliveEviction {

	static final AttributeKey<Long> ADVERTISED_IDLE_MILLIS = AttributeKey
		.valueOf("hyperlane.keepAlive.advertisedIdleMillis");

	private static final AttributeKey<Advertised> LAST_HEADER = AttributeKey
		.valueOf("hyperlane.keepAlive.lastHeader");

	private KeepAliveEviction() {
	}

	/**
	 * Record the idle timeout a response advertises on its connection's channel. A peer sends the same header on
	 * every response of a connection, so the header last parsed on the channel is kept with its value and a
	 * repeated one is not parsed again: per response this is one header lookup and one string comparison.
	 * @param response the response
	 * @param connection the connection it came on
	 */
	static void record(HttpClientResponse response, Connection connection) {
		String header = response.responseHeaders().get(HttpHeaderNames.KEEP_ALIVE);
		if (header == null) {
			return;
		}
		Channel channel = connection.channel();
		Channel parent = channel.parent();
		Channel owner = (parent != null) ? parent : channel;
		Advertised last = owner.attr(LAST_HEADER).get();
		if (last != null && last.header().equals(header)) {
			return;
		}
		Long timeout = parseTimeoutMillis(header);
		owner.attr(LAST_HEADER).set(new Advertised(header, timeout));
		if (timeout != null) {
			owner.attr(ADVERTISED_IDLE_MILLIS).set(timeout);
		}
	}

	/**
	 * Parse the {@code timeout} parameter of a Keep-Alive header, such as {@code timeout=5, max=1000}.
	 * @param header the header value, or {@code null}
	 * @return the timeout in milliseconds, or {@code null} when absent or malformed
	 */
	static @Nullable Long parseTimeoutMillis(@Nullable String header) {
		if (header == null) {
			return null;
		}
		for (String part : header.split(",")) {
			String[] pair = part.trim().split("=", 2);
			if (pair.length == 2 && pair[0].trim().toLowerCase(Locale.ROOT).equals("timeout")) {
				try {
					long seconds = Long.parseLong(pair[1].trim());
					return (seconds >= 0) ? seconds * 1000 : null;
				}
				catch (NumberFormatException ex) {
					return null;
				}
			}
		}
		return null;
	}

	/**
	 * The {@code Keep-Alive} header last parsed on a connection, and its timeout.
	 */
	private record Advertised(String header, @Nullable Long timeoutMillis) {
	}

	/**
	 * Create the eviction predicate of a pool.
	 * @param maxIdleTime the pool's max idle time
	 * @param honorHeader whether to honour advertised timeouts
	 * @param margin the safety margin below an advertised timeout
	 * @param statistics where evictions caused by an advertised timeout are counted
	 * @return the predicate
	 */
	static BiPredicate<Connection, ConnectionMetadata> predicate(Duration maxIdleTime, boolean honorHeader,
			Duration margin, ClientStatistics statistics) {
		long maxIdle = maxIdleTime.toMillis();
		long marginMillis = margin.toMillis();
		return (connection, metadata) -> {
			Channel channel = connection.channel();
			if (!channel.isActive() || !connection.isPersistent()) {
				return true;
			}
			long idle = metadata.idleTime();
			if (idle >= maxIdle) {
				return true;
			}
			if (honorHeader) {
				Long advertised = channel.attr(ADVERTISED_IDLE_MILLIS).get();
				if (advertised != null && idle >= advertised - marginMillis) {
					statistics.counts().increment(ClientStatistics.Count.EVICTIONS_BY_KEEP_ALIVE_HEADER);
					return true;
				}
			}
			return false;
		};
	}

}
