package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.transport.SocketOptionsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Client settings for {@code hyperlane.client.defaults} or one downstream service
 * ({@code hyperlane.client.services.<name>}). An unset value of a service takes the value of the defaults; an
 * unset default takes Hyperlane's default, shown with its reason in {@code /actuator/hyperlane/clients}.
 */
public class ClientOptions {

	/**
	 * Most connections open to one host of the service.
	 */
	private @Nullable Integer maxConnections;

	/**
	 * Most requests waiting for a connection when all are busy; further requests fail at once. Unset: twice the
	 * max connections.
	 */
	private @Nullable Integer pendingAcquireMaxCount;

	/**
	 * Longest wait for a pooled connection before the request fails.
	 */
	private @Nullable Duration pendingAcquireTimeout;

	/**
	 * Idle time after which a pooled connection is closed; keep it below the keep-alive timeout of the service and
	 * of every proxy on the way.
	 */
	private @Nullable Duration maxIdleTime;

	/**
	 * Age after which a pooled connection is closed once idle, so that DNS changes take effect.
	 */
	private @Nullable Duration maxLifeTime;

	/**
	 * Spread of the max life time, in percent below it, so connections opened together do not expire together.
	 */
	private @Nullable Double maxLifeTimeVariance;

	/**
	 * Interval of the background task that closes expired idle connections. Unset: the max idle time.
	 */
	private @Nullable Duration evictionInterval;

	/**
	 * Order in which idle connections are reused.
	 */
	private @Nullable LeasingStrategy leasing;

	/**
	 * Whether to publish connection pool meters (reactor.netty.connection.provider.*).
	 */
	private @Nullable Boolean metrics;

	/**
	 * Time allowed to establish a TCP connection.
	 */
	private @Nullable Duration connectTimeout;

	/**
	 * Time allowed between sending a request and receiving its response headers. It ends when the headers arrive:
	 * the body is bounded by the read idle timeout, if any.
	 */
	private @Nullable Duration responseTimeout;

	/**
	 * Longest pause between two reads of a response body, once its headers have arrived. Unset: a body may pause
	 * for any time. Never applies to the streaming media types.
	 */
	private @Nullable Duration readIdleTimeout;

	/**
	 * Media types of responses that stream parts with pauses between them (server-sent events, NDJSON): the read
	 * idle timeout never cuts their bodies. Matched against the response's Content-Type without its parameters.
	 */
	private @Nullable List<String> streamingMediaTypes;

	/**
	 * Longest time without writing to a connection while a request is sent. Unset: no limit.
	 */
	private @Nullable Duration writeIdleTimeout;

	/**
	 * Whether to ask for compressed responses (Accept-Encoding: gzip) and decompress them.
	 */
	private @Nullable Boolean compression;

	/**
	 * Protocol spoken to the service.
	 */
	private @Nullable ClientProtocol protocol;

	/**
	 * Whether to close a pooled connection before the idle timeout the server advertises in its Keep-Alive
	 * response header (timeout=N), minus the keep-alive margin.
	 */
	private @Nullable Boolean honorKeepAliveHeader;

	/**
	 * Safety margin below the server's advertised keep-alive timeout.
	 */
	private @Nullable Duration keepAliveMargin;

	/**
	 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) whose trust material verifies the service's
	 * certificate and whose key, when it has one, is the client certificate for mutual TLS; https URLs then use it.
	 * Unset: https URLs use the JDK's trusted authorities. Spring Boot's spring.http.clients.ssl.bundle wins when
	 * set.
	 */
	private @Nullable String sslBundle;

	/**
	 * Longest time a resolved address is cached, whatever its DNS TTL.
	 */
	private @Nullable Duration dnsCacheMaxTimeToLive;

	/**
	 * Time allowed for one DNS query.
	 */
	private @Nullable Duration dnsQueryTimeout;

	/**
	 * Socket options of the client's connections.
	 */
	@NestedConfigurationProperty
	private SocketOptionsProperties socket = SocketOptionsProperties.NONE;

	private final Retry retry = new Retry();

	public @Nullable Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(@Nullable Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public @Nullable Integer getPendingAcquireMaxCount() {
		return this.pendingAcquireMaxCount;
	}

	public void setPendingAcquireMaxCount(@Nullable Integer pendingAcquireMaxCount) {
		this.pendingAcquireMaxCount = pendingAcquireMaxCount;
	}

	public @Nullable Duration getPendingAcquireTimeout() {
		return this.pendingAcquireTimeout;
	}

	public void setPendingAcquireTimeout(@Nullable Duration pendingAcquireTimeout) {
		this.pendingAcquireTimeout = pendingAcquireTimeout;
	}

	public @Nullable Duration getMaxIdleTime() {
		return this.maxIdleTime;
	}

	public void setMaxIdleTime(@Nullable Duration maxIdleTime) {
		this.maxIdleTime = maxIdleTime;
	}

	public @Nullable Duration getMaxLifeTime() {
		return this.maxLifeTime;
	}

	public void setMaxLifeTime(@Nullable Duration maxLifeTime) {
		this.maxLifeTime = maxLifeTime;
	}

	public @Nullable Double getMaxLifeTimeVariance() {
		return this.maxLifeTimeVariance;
	}

	public void setMaxLifeTimeVariance(@Nullable Double maxLifeTimeVariance) {
		this.maxLifeTimeVariance = maxLifeTimeVariance;
	}

	public @Nullable Duration getEvictionInterval() {
		return this.evictionInterval;
	}

	public void setEvictionInterval(@Nullable Duration evictionInterval) {
		this.evictionInterval = evictionInterval;
	}

	public @Nullable LeasingStrategy getLeasing() {
		return this.leasing;
	}

	public void setLeasing(@Nullable LeasingStrategy leasing) {
		this.leasing = leasing;
	}

	public @Nullable Boolean getMetrics() {
		return this.metrics;
	}

	public void setMetrics(@Nullable Boolean metrics) {
		this.metrics = metrics;
	}

	public @Nullable Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(@Nullable Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public @Nullable Duration getResponseTimeout() {
		return this.responseTimeout;
	}

	public void setResponseTimeout(@Nullable Duration responseTimeout) {
		this.responseTimeout = responseTimeout;
	}

	public @Nullable Duration getReadIdleTimeout() {
		return this.readIdleTimeout;
	}

	public void setReadIdleTimeout(@Nullable Duration readIdleTimeout) {
		this.readIdleTimeout = readIdleTimeout;
	}

	public @Nullable List<String> getStreamingMediaTypes() {
		return this.streamingMediaTypes;
	}

	public void setStreamingMediaTypes(@Nullable List<String> streamingMediaTypes) {
		this.streamingMediaTypes = streamingMediaTypes;
	}

	public @Nullable Duration getWriteIdleTimeout() {
		return this.writeIdleTimeout;
	}

	public void setWriteIdleTimeout(@Nullable Duration writeIdleTimeout) {
		this.writeIdleTimeout = writeIdleTimeout;
	}

	public @Nullable Boolean getCompression() {
		return this.compression;
	}

	public void setCompression(@Nullable Boolean compression) {
		this.compression = compression;
	}

	public @Nullable ClientProtocol getProtocol() {
		return this.protocol;
	}

	public void setProtocol(@Nullable ClientProtocol protocol) {
		this.protocol = protocol;
	}

	public @Nullable Boolean getHonorKeepAliveHeader() {
		return this.honorKeepAliveHeader;
	}

	public void setHonorKeepAliveHeader(@Nullable Boolean honorKeepAliveHeader) {
		this.honorKeepAliveHeader = honorKeepAliveHeader;
	}

	public @Nullable Duration getKeepAliveMargin() {
		return this.keepAliveMargin;
	}

	public void setKeepAliveMargin(@Nullable Duration keepAliveMargin) {
		this.keepAliveMargin = keepAliveMargin;
	}

	public @Nullable String getSslBundle() {
		return this.sslBundle;
	}

	public void setSslBundle(@Nullable String sslBundle) {
		this.sslBundle = sslBundle;
	}

	public @Nullable Duration getDnsCacheMaxTimeToLive() {
		return this.dnsCacheMaxTimeToLive;
	}

	public void setDnsCacheMaxTimeToLive(@Nullable Duration dnsCacheMaxTimeToLive) {
		this.dnsCacheMaxTimeToLive = dnsCacheMaxTimeToLive;
	}

	public @Nullable Duration getDnsQueryTimeout() {
		return this.dnsQueryTimeout;
	}

	public void setDnsQueryTimeout(@Nullable Duration dnsQueryTimeout) {
		this.dnsQueryTimeout = dnsQueryTimeout;
	}

	public SocketOptionsProperties getSocket() {
		return this.socket;
	}

	public void setSocket(SocketOptionsProperties socket) {
		this.socket = socket;
	}

	public Retry getRetry() {
		return this.retry;
	}

	/**
	 * Safe retries: a request that failed before any response byte arrived (premature close, connection reset,
	 * connection refused) is sent once more on a fresh connection when it is idempotent (GET, HEAD, OPTIONS, PUT,
	 * DELETE, TRACE) or carries an Idempotency-Key header, within a retry budget.
	 */
	public static class Retry {

		/**
		 * Whether to retry safe requests once.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Base delay before the retry; the actual delay is drawn at random between half and one and a half times
		 * it.
		 */
		private @Nullable Duration backoff;

		/**
		 * Share of requests, in percent, that may be retried over the budget window.
		 */
		private @Nullable Double budgetPercent;

		/**
		 * Retries allowed per second whatever the traffic, so that a quiet service can still retry.
		 */
		private @Nullable Integer budgetMinPerSecond;

		/**
		 * Window over which requests and retries are counted for the budget.
		 */
		private @Nullable Duration budgetWindow;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getBackoff() {
			return this.backoff;
		}

		public void setBackoff(@Nullable Duration backoff) {
			this.backoff = backoff;
		}

		public @Nullable Double getBudgetPercent() {
			return this.budgetPercent;
		}

		public void setBudgetPercent(@Nullable Double budgetPercent) {
			this.budgetPercent = budgetPercent;
		}

		public @Nullable Integer getBudgetMinPerSecond() {
			return this.budgetMinPerSecond;
		}

		public void setBudgetMinPerSecond(@Nullable Integer budgetMinPerSecond) {
			this.budgetMinPerSecond = budgetMinPerSecond;
		}

		public @Nullable Duration getBudgetWindow() {
			return this.budgetWindow;
		}

		public void setBudgetWindow(@Nullable Duration budgetWindow) {
			this.budgetWindow = budgetWindow;
		}

	}

}
