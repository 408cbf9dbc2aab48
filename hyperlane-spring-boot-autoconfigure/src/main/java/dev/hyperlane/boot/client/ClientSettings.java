package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.SocketOption;
import dev.hyperlane.boot.transport.SocketOptionMapper;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.SocketSettings;
import org.jspecify.annotations.Nullable;

/**
 * The effective client settings of one downstream service: its own value, else the defaults' value, else
 * Hyperlane's default. Immutable. Each value is also kept with its source and reason for the endpoint.
 * <p>
 * Hyperlane's defaults and where their numbers come from:
 * <ul>
 * <li>max-connections 500: the pool size Spring Boot gives its WebClient, so no service gets less than before;
 * pending-acquire-max-count twice that (Reactor Netty's own ratio); pending-acquire-timeout 5 s instead of
 * Reactor Netty's 45 s, half the response timeout, so a saturated pool fails fast with a clear error.</li>
 * <li>max-idle-time 4 s: below Node.js's 5 s {@code keepAliveTimeout}, the shortest common server keep-alive;
 * idle connections closed by the peer cause {@code PrematureCloseException} (reactor-netty #764, #1774).</li>
 * <li>max-life-time 5 min with 10 % variance: stale addresses after DNS changes are left behind
 * (reactor-netty #1158) without all connections reopening at once.</li>
 * <li>leasing LIFO: the most recently used connection is the least likely to have been closed by the peer, and
 * the rest stay idle long enough to be evicted after a burst.</li>
 * <li>connect-timeout 3 s: Linux retransmits a lost SYN after 1 s and again after 3 s, so one retransmission
 * fits; Reactor Netty waits 30 s.</li>
 * <li>response-timeout 10 s, from the request sent to the response headers: Armeria's default; Boot and
 * Reactor Netty set none, so a peer that stopped answering holds the caller forever. It ends when the headers
 * arrive, so a download or a stream that pauses is never cut by it (Reactor Netty's own response timeout, which
 * Boot's {@code spring.http.clients.read-timeout} sets, bounds every pause of the body as well).</li>
 * <li>read-idle-timeout unset: a body may pause for as long as the application lets it; when set it never cuts
 * the streaming media types ({@code text/event-stream}, {@code application/x-ndjson},
 * {@code application/stream+json}: the types Spring's codecs stream).</li>
 * <li>keep-alive-margin 1 s below the advertised {@code Keep-Alive: timeout=N}.</li>
 * <li>dns-cache-max-time-to-live 30 s: addresses follow Kubernetes endpoint changes within half a minute.</li>
 * <li>retry budget 20 % of requests over 10 s plus 10 retries per second: Finagle's {@code RetryBudget}
 * defaults, in the spirit of Envoy's 20 % retry budget; backoff 20 ms with jitter.</li>
 * </ul>
 */
public final class ClientSettings {

	static final Map<SocketOption, SocketSettings.Default> SOCKET_DEFAULTS = Map.of(SocketOption.TCP_NO_DELAY,
			new SocketSettings.Default(true, "requests leave at once instead of waiting for an ACK (Nagle)"),
			SocketOption.KEEP_ALIVE,
			new SocketSettings.Default(true, "finds connections a middlebox dropped without a FIN"),
			SocketOption.KEEP_ALIVE_IDLE,
			new SocketSettings.Default(Duration.ofSeconds(60),
					"probes keep NAT and load-balancer flows alive; Linux waits 2 hours"),
			SocketOption.KEEP_ALIVE_INTERVAL, new SocketSettings.Default(Duration.ofSeconds(10),
					"a dead connection is found about 90 s after it went quiet"),
			SocketOption.KEEP_ALIVE_COUNT, new SocketSettings.Default(3, "three unanswered probes"));

	static final List<String> STREAMING_MEDIA_TYPES = List.of("text/event-stream", "application/x-ndjson",
			"application/stream+json");

	private final String service;

	private final Map<String, EffectiveSetting> effective;

	private final SocketOptionPlan socketPlan;

	final int maxConnections;

	final int pendingAcquireMaxCount;

	final Duration pendingAcquireTimeout;

	final Duration maxIdleTime;

	final Duration maxLifeTime;

	final double maxLifeTimeVariance;

	final Duration evictionInterval;

	final LeasingStrategy leasing;

	final boolean metrics;

	final Duration connectTimeout;

	final Duration responseTimeout;

	final @Nullable Duration readIdleTimeout;

	final List<String> streamingMediaTypes;

	final @Nullable Duration writeIdleTimeout;

	final boolean compression;

	final ClientProtocol protocol;

	final boolean honorKeepAliveHeader;

	final Duration keepAliveMargin;

	final Duration dnsCacheMaxTimeToLive;

	final Duration dnsQueryTimeout;

	final @Nullable String sslBundle;

	final boolean retryEnabled;

	final Duration retryBackoff;

	final double retryBudgetPercent;

	final int retryBudgetMinPerSecond;

	final Duration retryBudgetWindow;

	private ClientSettings(String service, Resolver resolver, SocketOptionPlan socketPlan,
			Map<String, EffectiveSetting> socket) {
		this.service = service;
		this.maxConnections = resolver.pick("max-connections", ClientOptions::getMaxConnections, 500,
				"the pool size Spring Boot gives its WebClient");
		this.pendingAcquireMaxCount = resolver.derive("pending-acquire-max-count",
				ClientOptions::getPendingAcquireMaxCount, 2 * this.maxConnections,
				"twice max-connections (Reactor Netty's ratio); beyond it requests fail at once");
		this.pendingAcquireTimeout = resolver.pick("pending-acquire-timeout", ClientOptions::getPendingAcquireTimeout,
				Duration.ofSeconds(5), "half the response timeout: a saturated pool fails fast with a clear error");
		this.maxIdleTime = resolver.pick("max-idle-time", ClientOptions::getMaxIdleTime, Duration.ofSeconds(4),
				"below Node.js's 5 s keep-alive timeout, the shortest common one (reactor-netty #764, #1774)");
		this.maxLifeTime = resolver.pick("max-life-time", ClientOptions::getMaxLifeTime, Duration.ofMinutes(5),
				"connections move to new addresses after DNS changes (reactor-netty #1158)");
		this.maxLifeTimeVariance = resolver.pick("max-life-time-variance", ClientOptions::getMaxLifeTimeVariance,
				10.0, "percent below max-life-time, so connections opened together do not expire together");
		this.evictionInterval = resolver.derive("eviction-interval", ClientOptions::getEvictionInterval,
				this.maxIdleTime, "the max idle time: an idle connection is closed at most twice that after use");
		this.leasing = resolver.pick("leasing", ClientOptions::getLeasing, LeasingStrategy.LIFO,
				"the most recently used connection is the least likely to have been closed by the peer");
		this.metrics = resolver.pick("metrics", ClientOptions::getMetrics, true,
				"pool saturation and pending acquires are visible before they fail requests");
		this.connectTimeout = resolver.pick("connect-timeout", ClientOptions::getConnectTimeout,
				Duration.ofSeconds(3), "one retransmitted SYN (Linux resends after 1 s and 3 s); Reactor Netty waits 30 s");
		this.responseTimeout = resolver.pick("response-timeout", ClientOptions::getResponseTimeout,
				Duration.ofSeconds(10),
				"until the response headers, not the body; Armeria's default; Boot and Reactor Netty wait forever");
		this.readIdleTimeout = resolver.pickNullable("read-idle-timeout", ClientOptions::getReadIdleTimeout,
				"unset: a response body may pause for any time, as with plain Spring Boot");
		this.streamingMediaTypes = List.copyOf(resolver.pick("streaming-media-types",
				ClientOptions::getStreamingMediaTypes, STREAMING_MEDIA_TYPES,
				"the types Spring's codecs stream; their parts may be minutes apart"));
		this.writeIdleTimeout = resolver.pickNullable("write-idle-timeout", ClientOptions::getWriteIdleTimeout,
				"unset");
		this.compression = resolver.pick("compression", ClientOptions::getCompression, true,
				"text-like responses shrink severalfold; Spring Boot asks for gzip too");
		this.protocol = resolver.pick("protocol", ClientOptions::getProtocol, ClientProtocol.HTTP11,
				"every HTTP server speaks it");
		this.honorKeepAliveHeader = resolver.pick("honor-keep-alive-header", ClientOptions::getHonorKeepAliveHeader,
				true, "a connection is closed before the server's advertised idle timeout ends");
		this.keepAliveMargin = resolver.pick("keep-alive-margin", ClientOptions::getKeepAliveMargin,
				Duration.ofSeconds(1), "room for clock granularity and a request already on its way");
		this.dnsCacheMaxTimeToLive = resolver.pick("dns-cache-max-time-to-live",
				ClientOptions::getDnsCacheMaxTimeToLive, Duration.ofSeconds(30),
				"addresses follow Kubernetes endpoint changes within half a minute");
		this.dnsQueryTimeout = resolver.pick("dns-query-timeout", ClientOptions::getDnsQueryTimeout,
				Duration.ofSeconds(5), "Netty's default");
		this.sslBundle = resolver.pickNullable("ssl-bundle", ClientOptions::getSslBundle,
				"unset: https URLs are verified against the JDK's trusted authorities, no client certificate");
		this.retryEnabled = resolver.pick("retry.enabled", (options) -> options.getRetry().getEnabled(), true,
				"idempotent requests that failed before any response byte are sent once more");
		this.retryBackoff = resolver.pick("retry.backoff", (options) -> options.getRetry().getBackoff(),
				Duration.ofMillis(20), "long enough for a fresh connection, short against the response timeout");
		this.retryBudgetPercent = resolver.pick("retry.budget-percent",
				(options) -> options.getRetry().getBudgetPercent(), 20.0,
				"Finagle's RetryBudget and Envoy's retry budget: retries never multiply an outage");
		this.retryBudgetMinPerSecond = resolver.pick("retry.budget-min-per-second",
				(options) -> options.getRetry().getBudgetMinPerSecond(), 10, "Finagle's floor for quiet services");
		this.retryBudgetWindow = resolver.pick("retry.budget-window", (options) -> options.getRetry().getBudgetWindow(),
				Duration.ofSeconds(10), "Finagle's budget window");
		Map<String, EffectiveSetting> all = new LinkedHashMap<>(resolver.effective);
		all.putAll(socket);
		this.effective = Collections.unmodifiableMap(all);
		this.socketPlan = socketPlan;
		validate();
	}

	/**
	 * Resolve the settings of one service.
	 * @param service the service name, or {@code null} for services without their own settings
	 * @param defaults {@code hyperlane.client.defaults}
	 * @param own the service's own options, or {@code null}
	 * @param socketMapper maps socket options to the active transport
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static ClientSettings resolve(@Nullable String service, ClientOptions defaults, @Nullable ClientOptions own,
			SocketOptionMapper socketMapper) {
		String prefix = (service != null && own != null) ? "hyperlane.client.services." + service
				: "hyperlane.client.defaults";
		Resolver resolver = new Resolver(service, defaults, own);
		SocketSettings socket = SocketSettings.resolve(prefix + ".socket",
				(own != null) ? defaults.getSocket().withOverrides(own.getSocket()) : defaults.getSocket(),
				SOCKET_DEFAULTS, (property) -> true);
		return new ClientSettings((service != null) ? service : "default", resolver,
				socketMapper.map(socket.values(), false), socket.effective());
	}

	private void validate() {
		check(this.maxConnections >= 1, "max-connections", this.maxConnections, "1 or more");
		check(this.pendingAcquireMaxCount >= -1 && this.pendingAcquireMaxCount != 0, "pending-acquire-max-count",
				this.pendingAcquireMaxCount, "1 or more, or -1 for no limit");
		check(positive(this.pendingAcquireTimeout), "pending-acquire-timeout", this.pendingAcquireTimeout,
				"a positive duration");
		check(positive(this.maxIdleTime), "max-idle-time", this.maxIdleTime, "a positive duration");
		check(positive(this.maxLifeTime), "max-life-time", this.maxLifeTime, "a positive duration");
		check(this.maxLifeTimeVariance >= 0 && this.maxLifeTimeVariance <= 100, "max-life-time-variance",
				this.maxLifeTimeVariance, "0 to 100");
		check(positive(this.evictionInterval), "eviction-interval", this.evictionInterval, "a positive duration");
		check(positive(this.connectTimeout) && this.connectTimeout.toMillis() <= Integer.MAX_VALUE, "connect-timeout",
				this.connectTimeout, "a positive duration");
		check(positive(this.responseTimeout), "response-timeout", this.responseTimeout, "a positive duration");
		check(this.readIdleTimeout == null || positive(this.readIdleTimeout), "read-idle-timeout",
				this.readIdleTimeout, "a positive duration, or unset for none");
		check(this.writeIdleTimeout == null || positive(this.writeIdleTimeout), "write-idle-timeout",
				this.writeIdleTimeout, "a positive duration, or unset for none");
		for (String type : this.streamingMediaTypes) {
			check(StreamingMediaTypes.isTypeAndSubtype(type), "streaming-media-types", type,
					"media types of the form type/subtype, such as text/event-stream, without parameters");
		}
		check(!this.keepAliveMargin.isNegative(), "keep-alive-margin", this.keepAliveMargin, "0s or more");
		check(positive(this.dnsCacheMaxTimeToLive), "dns-cache-max-time-to-live", this.dnsCacheMaxTimeToLive,
				"a positive duration");
		check(positive(this.dnsQueryTimeout), "dns-query-timeout", this.dnsQueryTimeout, "a positive duration");
		check(!this.retryBackoff.isNegative(), "retry.backoff", this.retryBackoff, "0s or more");
		check(this.retryBudgetPercent >= 0 && this.retryBudgetPercent <= 100, "retry.budget-percent",
				this.retryBudgetPercent, "0 to 100");
		check(this.retryBudgetMinPerSecond >= 0, "retry.budget-min-per-second", this.retryBudgetMinPerSecond,
				"0 or more");
		check(this.retryBudgetWindow.toSeconds() >= 1, "retry.budget-window", this.retryBudgetWindow,
				"1s or more");
	}

	private static boolean positive(Duration duration) {
		return !duration.isNegative() && !duration.isZero();
	}

	private void check(boolean valid, String name, Object value, String allowed) {
		if (!valid) {
			EffectiveSetting setting = this.effective.get(name);
			String property = (setting != null) ? setting.property() : "hyperlane.client.defaults." + name;
			throw new HyperlaneSettingException(property, "value " + value + " is out of range",
					"Set " + property + " to " + allowed + ".");
		}
	}

	/**
	 * Return the service these settings belong to; {@code default} for services without their own.
	 * @return the service name
	 */
	public String service() {
		return this.service;
	}

	/**
	 * Return the socket options mapped to the active transport.
	 * @return the plan
	 */
	public SocketOptionPlan socketPlan() {
		return this.socketPlan;
	}

	/**
	 * Return each setting with its source and reason, keyed by its name below the service prefix.
	 * @return the effective settings
	 */
	public Map<String, EffectiveSetting> effective() {
		return this.effective;
	}

	/**
	 * Return the response timeout.
	 * @return the time allowed between a request and its response headers
	 */
	public Duration responseTimeout() {
		return this.responseTimeout;
	}

	/**
	 * Return the name of the SSL bundle used for https URLs.
	 * @return the bundle name, or {@code null} for the JDK's defaults
	 */
	public @Nullable String sslBundle() {
		return this.sslBundle;
	}

	/**
	 * Return the max connections per host.
	 * @return the pool size
	 */
	public int maxConnections() {
		return this.maxConnections;
	}

	private static final class Resolver {

		private final @Nullable String service;

		private final ClientOptions defaults;

		private final @Nullable ClientOptions own;

		private final Map<String, EffectiveSetting> effective = new LinkedHashMap<>();

		Resolver(@Nullable String service, ClientOptions defaults, @Nullable ClientOptions own) {
			this.service = service;
			this.defaults = defaults;
			this.own = own;
		}

		<T> T pick(String name, Function<ClientOptions, @Nullable T> getter, T fallback, String reason) {
			T value = pickNullable(name, getter, null);
			if (value != null) {
				return value;
			}
			put(name, "hyperlane.client.defaults." + name, fallback, SettingSource.DEFAULT, reason);
			return fallback;
		}

		<T> T derive(String name, Function<ClientOptions, @Nullable T> getter, T derived, String reason) {
			T value = pickNullable(name, getter, null);
			if (value != null) {
				return value;
			}
			put(name, "hyperlane.client.defaults." + name, derived, SettingSource.DERIVED, reason);
			return derived;
		}

		<T> @Nullable T pickNullable(String name, Function<ClientOptions, @Nullable T> getter,
				@Nullable String unsetReason) {
			if (this.own != null) {
				T value = getter.apply(this.own);
				if (value != null) {
					String property = "hyperlane.client.services." + this.service + "." + name;
					put(name, property, value, SettingSource.PROPERTY, "set by " + property);
					return value;
				}
			}
			T value = getter.apply(this.defaults);
			if (value != null) {
				String property = "hyperlane.client.defaults." + name;
				put(name, property, value, SettingSource.PROPERTY, "set by " + property);
				return value;
			}
			if (unsetReason != null) {
				put(name, "hyperlane.client.defaults." + name, null, SettingSource.DEFAULT, unsetReason);
			}
			return null;
		}

		private void put(String name, String property, @Nullable Object value, SettingSource source, String reason) {
			this.effective.put(name, new EffectiveSetting(property, value, source, reason));
		}

	}

}
