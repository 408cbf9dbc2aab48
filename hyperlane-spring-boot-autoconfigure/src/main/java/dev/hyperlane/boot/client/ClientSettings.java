package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.ResolvedSettings;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.transport.SocketOptionMapper;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.SocketOptionsProperties;
import dev.hyperlane.boot.transport.SocketSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;

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
 *
 * @param service the service these settings belong to; {@code default} for services without their own
 * @param effective each setting with its source and reason, keyed by its name below the service prefix
 * @param socketPlan the socket options mapped to the active transport
 * @param maxConnections the most connections per host (the pool size)
 * @param pendingAcquireMaxCount the most requests waiting for a connection, -1 for no limit
 * @param pendingAcquireTimeout the longest wait for a pooled connection
 * @param maxIdleTime the idle time after which a pooled connection is closed
 * @param maxLifeTime the age after which a pooled connection is closed once idle
 * @param maxLifeTimeVariance the spread of the max life time, in percent below it
 * @param evictionInterval the interval of the background eviction
 * @param leasing the order in which idle connections are reused
 * @param metrics whether connection pool meters are published
 * @param connectTimeout the time allowed to establish a TCP connection
 * @param responseTimeout the time allowed between a request and its response headers
 * @param readIdleTimeout the longest pause between two reads of a response body, or {@code null} for none
 * @param streamingMediaTypes the media types whose bodies the read idle timeout never cuts
 * @param writeIdleTimeout the longest time without writing while a request is sent, or {@code null} for none
 * @param compression whether compressed responses are asked for
 * @param protocol the protocol spoken to the service
 * @param honorKeepAliveHeader whether the server's advertised keep-alive timeout closes idle connections
 * @param keepAliveMargin the margin below the server's advertised keep-alive timeout
 * @param dnsCacheMaxTimeToLive the longest time a resolved address is cached
 * @param dnsQueryTimeout the time allowed for one DNS query
 * @param sslBundle the name of the SSL bundle used for https URLs, or {@code null} for the JDK's defaults
 * @param retryEnabled whether safe requests are retried once
 * @param retryBackoff the base delay before a retry
 * @param retryBudgetPercent the share of requests, in percent, that may be retried over the budget window
 * @param retryBudgetMinPerSecond the retries allowed per second whatever the traffic
 * @param retryBudgetWindow the window over which the budget counts requests and retries
 */
public record ClientSettings(String service, Map<String, EffectiveSetting> effective, SocketOptionPlan socketPlan,
		int maxConnections, int pendingAcquireMaxCount, Duration pendingAcquireTimeout, Duration maxIdleTime,
		Duration maxLifeTime, double maxLifeTimeVariance, Duration evictionInterval, LeasingStrategy leasing,
		boolean metrics, Duration connectTimeout, Duration responseTimeout, @Nullable Duration readIdleTimeout,
		List<String> streamingMediaTypes, @Nullable Duration writeIdleTimeout, boolean compression,
		ClientProtocol protocol, boolean honorKeepAliveHeader, Duration keepAliveMargin,
		Duration dnsCacheMaxTimeToLive, Duration dnsQueryTimeout, @Nullable String sslBundle, boolean retryEnabled,
		Duration retryBackoff, double retryBudgetPercent, int retryBudgetMinPerSecond, Duration retryBudgetWindow) {

	private static final String DEFAULTS_PREFIX = "hyperlane.client.defaults";

	private static final String POSITIVE = "a positive duration";

	static final List<String> STREAMING_MEDIA_TYPES = List.of("text/event-stream", "application/x-ndjson",
			"application/stream+json");

	static final Setting<ClientOptions, Integer> MAX_CONNECTIONS = Setting
		.of("max-connections", Integer.class, ClientOptions::maxConnections, 500,
				"the pool size Spring Boot gives its WebClient")
		.withCheck((count) -> count >= 1, "1 or more");

	static final Setting<ClientOptions, Integer> PENDING_ACQUIRE_MAX_COUNT = Setting
		.of("pending-acquire-max-count", Integer.class, ClientOptions::pendingAcquireMaxCount, null,
				"twice max-connections (Reactor Netty's ratio); beyond it requests fail at once")
		.withCheck((count) -> count >= -1 && count != 0, "1 or more, or -1 for no limit");

	static final Setting<ClientOptions, Duration> PENDING_ACQUIRE_TIMEOUT = positive("pending-acquire-timeout",
			ClientOptions::pendingAcquireTimeout, Duration.ofSeconds(5),
			"half the response timeout: a saturated pool fails fast with a clear error");

	static final Setting<ClientOptions, Duration> MAX_IDLE_TIME = positive("max-idle-time", ClientOptions::maxIdleTime,
			Duration.ofSeconds(4),
			"below Node.js's 5 s keep-alive timeout, the shortest common one (reactor-netty #764, #1774)");

	static final Setting<ClientOptions, Duration> MAX_LIFE_TIME = positive("max-life-time", ClientOptions::maxLifeTime,
			Duration.ofMinutes(5), "connections move to new addresses after DNS changes (reactor-netty #1158)");

	static final Setting<ClientOptions, Double> MAX_LIFE_TIME_VARIANCE = Setting
		.of("max-life-time-variance", Double.class, ClientOptions::maxLifeTimeVariance, 10.0,
				"percent below max-life-time, so connections opened together do not expire together")
		.withCheck((percent) -> Setting.between(percent, 0, 100), "0 to 100");

	static final Setting<ClientOptions, Duration> EVICTION_INTERVAL = positive("eviction-interval",
			ClientOptions::evictionInterval, null,
			"the max idle time: an idle connection is closed at most twice that after use");

	static final Setting<ClientOptions, LeasingStrategy> LEASING = Setting.of("leasing", LeasingStrategy.class,
			ClientOptions::leasing, LeasingStrategy.LIFO,
			"the most recently used connection is the least likely to have been closed by the peer");

	static final Setting<ClientOptions, Boolean> METRICS = Setting.of("metrics", Boolean.class,
			ClientOptions::metrics, true, "pool saturation and pending acquires are visible before they fail requests");

	static final Setting<ClientOptions, Duration> CONNECT_TIMEOUT = Setting
		.of("connect-timeout", Duration.class, ClientOptions::connectTimeout, Duration.ofSeconds(3),
				"one retransmitted SYN (Linux resends after 1 s and 3 s); Reactor Netty waits 30 s")
		.withCheck((timeout) -> Setting.positive(timeout) && timeout.toMillis() <= Integer.MAX_VALUE, POSITIVE);

	static final Setting<ClientOptions, Duration> RESPONSE_TIMEOUT = positive("response-timeout",
			ClientOptions::responseTimeout, Duration.ofSeconds(10),
			"until the response headers, not the body; Armeria's default; Boot and Reactor Netty wait forever");

	static final Setting<ClientOptions, Duration> READ_IDLE_TIMEOUT = Setting
		.of("read-idle-timeout", Duration.class, ClientOptions::readIdleTimeout, null,
				"unset: a response body may pause for any time, as with plain Spring Boot")
		.withCheck(Setting::positive, "a positive duration, or unset for none");

	static final Setting<ClientOptions, List<String>> STREAMING_MEDIA_TYPES_SETTING = Setting
		.of("streaming-media-types", Bindable.listOf(String.class),
				(ClientOptions options) -> copy(options.streamingMediaTypes()), STREAMING_MEDIA_TYPES,
				"the types Spring's codecs stream; their parts may be minutes apart")
		.withCheck((types) -> types.stream().allMatch(StreamingMediaTypes::isTypeAndSubtype),
				"media types of the form type/subtype, such as text/event-stream, without parameters");

	static final Setting<ClientOptions, Duration> WRITE_IDLE_TIMEOUT = Setting
		.of("write-idle-timeout", Duration.class, ClientOptions::writeIdleTimeout, null, "unset")
		.withCheck(Setting::positive, "a positive duration, or unset for none");

	static final Setting<ClientOptions, Boolean> COMPRESSION = Setting.of("compression", Boolean.class,
			ClientOptions::compression, true, "text-like responses shrink severalfold; Spring Boot asks for gzip too");

	static final Setting<ClientOptions, ClientProtocol> PROTOCOL = Setting.of("protocol", ClientProtocol.class,
			ClientOptions::protocol, ClientProtocol.HTTP11, "every HTTP server speaks it");

	static final Setting<ClientOptions, Boolean> HONOR_KEEP_ALIVE_HEADER = Setting.of("honor-keep-alive-header",
			Boolean.class, ClientOptions::honorKeepAliveHeader, true,
			"a connection is closed before the server's advertised idle timeout ends");

	static final Setting<ClientOptions, Duration> KEEP_ALIVE_MARGIN = Setting
		.of("keep-alive-margin", Duration.class, ClientOptions::keepAliveMargin, Duration.ofSeconds(1),
				"room for clock granularity and a request already on its way")
		.withCheck((margin) -> !margin.isNegative(), "0s or more");

	static final Setting<ClientOptions, Duration> DNS_CACHE_MAX_TIME_TO_LIVE = positive("dns-cache-max-time-to-live",
			ClientOptions::dnsCacheMaxTimeToLive, Duration.ofSeconds(30),
			"addresses follow Kubernetes endpoint changes within half a minute");

	static final Setting<ClientOptions, Duration> DNS_QUERY_TIMEOUT = positive("dns-query-timeout",
			ClientOptions::dnsQueryTimeout, Duration.ofSeconds(5), "Netty's default");

	static final Setting<ClientOptions, String> SSL_BUNDLE = Setting.of("ssl-bundle", String.class,
			ClientOptions::sslBundle, null,
			"unset: https URLs are verified against the JDK's trusted authorities, no client certificate");

	static final Setting<ClientOptions, Boolean> RETRY_ENABLED = Setting.of("retry.enabled", Boolean.class,
			(ClientOptions options) -> options.retry().enabled(), true,
			"idempotent requests that failed before any response byte are sent once more");

	static final Setting<ClientOptions, Duration> RETRY_BACKOFF = Setting
		.of("retry.backoff", Duration.class, (ClientOptions options) -> options.retry().backoff(), Duration.ofMillis(20),
				"long enough for a fresh connection, short against the response timeout")
		.withCheck((backoff) -> !backoff.isNegative(), "0s or more");

	static final Setting<ClientOptions, Double> RETRY_BUDGET_PERCENT = Setting
		.of("retry.budget-percent", Double.class, (ClientOptions options) -> options.retry().budgetPercent(), 20.0,
				"Finagle's RetryBudget and Envoy's retry budget: retries never multiply an outage")
		.withCheck((percent) -> Setting.between(percent, 0, 100), "0 to 100");

	static final Setting<ClientOptions, Integer> RETRY_BUDGET_MIN_PER_SECOND = Setting
		.of("retry.budget-min-per-second", Integer.class, (ClientOptions options) -> options.retry().budgetMinPerSecond(), 10,
				"Finagle's floor for quiet services")
		.withCheck((count) -> count >= 0, "0 or more");

	static final Setting<ClientOptions, Duration> RETRY_BUDGET_WINDOW = Setting
		.of("retry.budget-window", Duration.class, (ClientOptions options) -> options.retry().budgetWindow(),
				Duration.ofSeconds(10), "Finagle's budget window")
		.withCheck((window) -> window.toSeconds() >= 1, "1s or more");

	/**
	 * Every client setting, in the order the endpoint shows them; the configuration metadata is checked against
	 * their defaults.
	 */
	public static final List<Setting<ClientOptions, ?>> SETTINGS = List.of(MAX_CONNECTIONS, PENDING_ACQUIRE_MAX_COUNT,
			PENDING_ACQUIRE_TIMEOUT, MAX_IDLE_TIME, MAX_LIFE_TIME, MAX_LIFE_TIME_VARIANCE, EVICTION_INTERVAL, LEASING,
			METRICS, CONNECT_TIMEOUT, RESPONSE_TIMEOUT, READ_IDLE_TIMEOUT, STREAMING_MEDIA_TYPES_SETTING,
			WRITE_IDLE_TIMEOUT, COMPRESSION, PROTOCOL, HONOR_KEEP_ALIVE_HEADER, KEEP_ALIVE_MARGIN,
			DNS_CACHE_MAX_TIME_TO_LIVE, DNS_QUERY_TIMEOUT, SSL_BUNDLE, RETRY_ENABLED, RETRY_BACKOFF,
			RETRY_BUDGET_PERCENT, RETRY_BUDGET_MIN_PER_SECOND, RETRY_BUDGET_WINDOW);

	/**
	 * Every {@code socket.*} setting of a client with its defaults; the configuration metadata is checked against
	 * them.
	 */
	public static final List<Setting<SocketOptionsProperties, ?>> SOCKET_SETTINGS = SocketSettings.connectionTable(List.of(
			SocketSettings.TCP_NO_DELAY.withDefault(true,
					"requests leave at once instead of waiting for an ACK (Nagle)"),
			SocketSettings.KEEP_ALIVE.withDefault(true, "finds connections a middlebox dropped without a FIN"),
			SocketSettings.KEEP_ALIVE_IDLE.withDefault(Duration.ofSeconds(60),
					"probes keep NAT and load-balancer flows alive; Linux waits 2 hours"),
			SocketSettings.KEEP_ALIVE_INTERVAL.withDefault(Duration.ofSeconds(10),
					"a dead connection is found about 90 s after it went quiet"),
			SocketSettings.KEEP_ALIVE_COUNT.withDefault(3, "three unanswered probes")));

	/**
	 * Resolve the values of one service, deriving the ones whose default depends on another.
	 */
	private static ResolvedSettings resolveValues(SettingResolver<ClientOptions> resolver) {
		for (Setting<ClientOptions, ?> setting : SETTINGS) {
			if (setting == PENDING_ACQUIRE_MAX_COUNT) {
				resolver.derive(PENDING_ACQUIRE_MAX_COUNT, 2 * resolver.settings().require(MAX_CONNECTIONS),
						PENDING_ACQUIRE_MAX_COUNT.reason());
			}
			else if (setting == EVICTION_INTERVAL) {
				resolver.derive(EVICTION_INTERVAL, resolver.settings().require(MAX_IDLE_TIME), EVICTION_INTERVAL.reason());
			}
			else {
				resolver.resolve(setting);
			}
		}
		return resolver.settings();
	}

	/**
	 * A duration setting that must be positive when set, as most client timeouts.
	 */
	private static Setting<ClientOptions, Duration> positive(String name,
			Function<ClientOptions, @Nullable Duration> read, @Nullable Duration defaultValue, String reason) {
		return Setting.of(name, Duration.class, read, defaultValue, reason).withCheck(Setting::positive, POSITIVE);
	}

	private static @Nullable List<String> copy(@Nullable List<String> values) {
		return (values != null) ? List.copyOf(values) : null;
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
		String prefix = (service != null && own != null) ? "hyperlane.client.services." + service : DEFAULTS_PREFIX;
		List<SettingResolver.Layer<ClientOptions>> layers = new ArrayList<>();
		if (own != null) {
			layers.add(SettingResolver.Layer.nullable(prefix, own));
		}
		layers.add(SettingResolver.Layer.nullable(DEFAULTS_PREFIX, defaults));
		SettingResolver<ClientOptions> resolver = new SettingResolver<>(layers, DEFAULTS_PREFIX, null, null);
		List<SettingResolver.Layer<SocketOptionsProperties>> socketLayers = new ArrayList<>();
		if (own != null) {
			socketLayers.add(SettingResolver.Layer.nullable(prefix + ".socket", own.socket()));
		}
		socketLayers.add(SettingResolver.Layer.nullable(DEFAULTS_PREFIX + ".socket", defaults.socket()));
		SocketSettings socket = SocketSettings.resolve(SOCKET_SETTINGS, socketLayers, DEFAULTS_PREFIX + ".socket");
		ResolvedSettings values = resolveValues(resolver);
		Map<String, EffectiveSetting> effective = new LinkedHashMap<>(values.byName());
		socket.byName().forEach((name, setting) -> effective.put("socket." + name, setting));
		return new ClientSettings((service != null) ? service : "default", Collections.unmodifiableMap(effective),
				socketMapper.map(socket.values(), false), values.require(MAX_CONNECTIONS),
				values.require(PENDING_ACQUIRE_MAX_COUNT), values.require(PENDING_ACQUIRE_TIMEOUT),
				values.require(MAX_IDLE_TIME), values.require(MAX_LIFE_TIME), values.require(MAX_LIFE_TIME_VARIANCE),
				values.require(EVICTION_INTERVAL), values.require(LEASING), values.require(METRICS),
				values.require(CONNECT_TIMEOUT), values.require(RESPONSE_TIMEOUT), values.get(READ_IDLE_TIMEOUT),
				values.require(STREAMING_MEDIA_TYPES_SETTING), values.get(WRITE_IDLE_TIMEOUT),
				values.require(COMPRESSION), values.require(PROTOCOL), values.require(HONOR_KEEP_ALIVE_HEADER),
				values.require(KEEP_ALIVE_MARGIN), values.require(DNS_CACHE_MAX_TIME_TO_LIVE),
				values.require(DNS_QUERY_TIMEOUT), values.get(SSL_BUNDLE), values.require(RETRY_ENABLED),
				values.require(RETRY_BACKOFF), values.require(RETRY_BUDGET_PERCENT),
				values.require(RETRY_BUDGET_MIN_PER_SECOND), values.require(RETRY_BUDGET_WINDOW));
	}

}
