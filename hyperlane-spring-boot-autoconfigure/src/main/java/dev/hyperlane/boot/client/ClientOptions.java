package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.transport.SocketOptionsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Client settings for {@code hyperlane.client.defaults} or one downstream service
 * ({@code hyperlane.client.services.<name>}). An unset value of a service takes the value of the defaults; an
 * unset default takes Hyperlane's default, shown with its reason in {@code /actuator/hyperlane/clients}. Bound
 * through the constructor: every value is {@code null} unless set, so a service's options layer over the defaults;
 * Hyperlane's defaults are the ones of {@link ClientSettings}, repeated for the IDE in the additional metadata.
 *
 * @param maxConnections Most connections open to one host of the service.
 * @param pendingAcquireMaxCount Most requests waiting for a connection when all are busy; further requests fail at
 * once. Unset: twice the max connections.
 * @param pendingAcquireTimeout Longest wait for a pooled connection before the request fails.
 * @param maxIdleTime Idle time after which a pooled connection is closed; keep it below the keep-alive timeout of
 * the service and of every proxy on the way.
 * @param maxLifeTime Age after which a pooled connection is closed once idle, so that DNS changes take effect.
 * @param maxLifeTimeVariance Spread of the max life time, in percent below it, so connections opened together do
 * not expire together.
 * @param evictionInterval Interval of the background task that closes expired idle connections. Unset: the max
 * idle time.
 * @param leasing Order in which idle connections are reused.
 * @param metrics Whether to publish connection pool meters (reactor.netty.connection.provider.*).
 * @param connectTimeout Time allowed to establish a TCP connection.
 * @param responseTimeout Time allowed between sending a request and receiving its response headers. It ends when
 * the headers arrive: the body is bounded by the read idle timeout, if any.
 * @param readIdleTimeout Longest pause between two reads of a response body, once its headers have arrived. Unset:
 * a body may pause for any time. Never applies to the streaming media types.
 * @param streamingMediaTypes Media types of responses that stream parts with pauses between them (server-sent
 * events, NDJSON): the read idle timeout never cuts their bodies. Matched against the response's Content-Type
 * without its parameters.
 * @param writeIdleTimeout Longest time without writing to a connection while a request is sent. Unset: no limit.
 * @param compression Whether to ask for compressed responses (Accept-Encoding: gzip) and decompress them.
 * @param protocol Protocol spoken to the service.
 * @param honorKeepAliveHeader Whether to close a pooled connection before the idle timeout the server advertises
 * in its Keep-Alive response header (timeout=N), minus the keep-alive margin.
 * @param keepAliveMargin Safety margin below the server's advertised keep-alive timeout.
 * @param sslBundle Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material verifies the
 * service's certificate and whose key, when it has one, is the client certificate for mutual TLS; https URLs then
 * use it. Unset: https URLs use the JDK's trusted authorities. Spring Boot's spring.http.clients.ssl.bundle wins
 * when set.
 * @param dnsCacheMaxTimeToLive Longest time a resolved address is cached, whatever its DNS TTL.
 * @param dnsQueryTimeout Time allowed for one DNS query.
 * @param socket Socket options of the client's connections.
 * @param retry Safe retries of requests that failed before any response byte arrived.
 */
public record ClientOptions(@Nullable Integer maxConnections, @Nullable Integer pendingAcquireMaxCount,
		@Nullable Duration pendingAcquireTimeout, @Nullable Duration maxIdleTime, @Nullable Duration maxLifeTime,
		@Nullable Double maxLifeTimeVariance, @Nullable Duration evictionInterval, @Nullable LeasingStrategy leasing,
		@Nullable Boolean metrics, @Nullable Duration connectTimeout, @Nullable Duration responseTimeout,
		@Nullable Duration readIdleTimeout, @Nullable List<String> streamingMediaTypes,
		@Nullable Duration writeIdleTimeout, @Nullable Boolean compression, @Nullable ClientProtocol protocol,
		@Nullable Boolean honorKeepAliveHeader, @Nullable Duration keepAliveMargin, @Nullable String sslBundle,
		@Nullable Duration dnsCacheMaxTimeToLive, @Nullable Duration dnsQueryTimeout,
		@DefaultValue @NestedConfigurationProperty SocketOptionsProperties socket, @DefaultValue Retry retry) {

	/**
	 * Safe retries: a request that failed before any response byte arrived (premature close, connection reset,
	 * connection refused) is sent once more on a fresh connection when it is idempotent (GET, HEAD, OPTIONS, PUT,
	 * DELETE, TRACE) or carries an Idempotency-Key header, within a retry budget.
	 *
	 * @param enabled Whether to retry safe requests once.
	 * @param backoff Base delay before the retry; the actual delay is drawn at random between half and one and a
	 * half times it.
	 * @param budgetPercent Share of requests, in percent, that may be retried over the budget window.
	 * @param budgetMinPerSecond Retries allowed per second whatever the traffic, so that a quiet service can still
	 * retry.
	 * @param budgetWindow Window over which requests and retries are counted for the budget.
	 */
	public record Retry(@Nullable Boolean enabled, @Nullable Duration backoff, @Nullable Double budgetPercent,
			@Nullable Integer budgetMinPerSecond, @Nullable Duration budgetWindow) {

	}

}
