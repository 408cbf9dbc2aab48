package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.ResolvedSettings;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.SocketOptionMapper;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.SocketOptionsProperties;
import dev.hyperlane.boot.transport.SocketSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.unit.DataSize;

/**
 * The server settings as applied: one {@link Setting} descriptor per {@code hyperlane.server.*} property (name,
 * type, default, reason, Spring Boot property that wins, range check), resolved by {@link SettingResolver} from
 * the properties the application set, Spring Boot's own properties and the defaults below; each value is kept
 * with its source and reason. Immutable; {@link #override} returns a copy. Sizes are {@link DataSize}, times
 * {@link Duration}. Read a value with {@link #get(Setting)}, typed by its descriptor.
 * <p>
 * Defaults and where their numbers come from:
 * <ul>
 * <li>max-header-size 16 KB: Node.js's default header limit since v14, room for large JWT and cookie headers;
 * Reactor Netty and Boot use 8 KB.</li>
 * <li>max-in-memory-size 1 MB: nginx's {@code client_max_body_size} default. Spring's codecs stop at 256 KB, a
 * limit ordinary JSON payloads reach ({@code DataBufferLimitException: Exceeded limit on max bytes to buffer :
 * 262144}, spring-boot #24417, spring-cloud-gateway #1750), while a body the size of a heap region per request invites memory
 * exhaustion.</li>
 * <li>idle-timeout 75 s: nginx's {@code keepalive_timeout} default; longer than the 60 s idle timeout of common
 * cloud load balancers so that the balancer, not the server, closes an idle pooled connection.</li>
 * <li>request-header-timeout 20 s: Apache httpd mod_reqtimeout's default ({@code header=20-40}); plain Boot keeps a
 * connection trickling one header byte every 2 s open for over 70 s.</li>
 * <li>read-timeout 60 s: nginx's {@code client_body_timeout} (between two reads of a body).</li>
 * <li>request-timeout 5 min: Node.js's {@code server.requestTimeout} default. Both body timeouts answer 408 and close
 * the connection (see {@link RequestBodyGuard}).</li>
 * <li>max-connections and max-request-body-memory: derived from max direct memory and the file-descriptor limit
 * (see {@link ServerCapacity}).</li>
 * <li>max-pipelined-requests 16: each pending pipelined request costs about 450 bytes of heap (measured with
 * requests that are never answered because their client does not read); 16 keeps that near 7 KB a connection while
 * no ordinary client pipelines deeper (browsers do not pipeline at all).</li>
 * <li>max-keep-alive-requests 1000: nginx's {@code keepalive_requests} default since 1.19.10.</li>
 * <li>http2.max-concurrent-streams 100: RFC 9113 section 6.5.2 recommends no fewer than 100.</li>
 * <li>compression.min-response-size 1 KB: a smaller body already fits one TCP segment (MSS 1460 B), so
 * compressing it saves no round trip.</li>
 * <li>concurrency-limit off: an adaptive limit reads latency as load, so it misjudges long-lived requests (server-sent
 * events, long polling, streaming) and services whose latency is their downstream's; and a 503 only helps when
 * callers retry elsewhere, as Hyperlane's balancer does. When on: Gradient2 (Netflix's recommended algorithm),
 * initial limit 100, five times the library's 20, so a warm service is not throttled before the first samples;
 * min-limit 20, the library's default; max-limit 1000, the library's Vegas default (Gradient2's 200 would cap fast
 * services); retry-after 1 s, the shortest value HTTP's delay-seconds can say (RFC 9110 section 10.2.3), which
 * Hyperlane's balancer also takes as the failure penalty.</li>
 * <li>socket keep-alive 60 s idle, 10 s interval, 3 probes: a vanished peer is found in about 90 s instead of
 * Linux's 2 h 11 min, and probes start before the 4-minute idle timeout of the strictest cloud NAT.</li>
 * </ul>
 */
public final class ServerSettings {

	static final String PREFIX = "hyperlane.server";

	static final String H2C_MAX_CONTENT_LENGTH = "server.netty.h2c-max-content-length";

	private static final String POSITIVE_DURATION = "a positive duration such as 30s";

	static final Setting<HyperlaneServerProperties, DataSize> MAX_INITIAL_LINE_LENGTH = size("max-initial-line-length",
			HyperlaneServerProperties::maxInitialLineLength, DataSize.ofKilobytes(4), 64,
			"Reactor Netty's default; a longer request line gets 414")
		.withBootProperty("server.netty.max-initial-line-length");

	static final Setting<HyperlaneServerProperties, DataSize> MAX_HEADER_SIZE = size("max-header-size",
			HyperlaneServerProperties::maxHeaderSize, DataSize.ofKilobytes(16), 64,
			"Node.js's limit, room for large JWT and cookie headers; a larger block gets 431")
		.withBootProperty("server.max-http-request-header-size");

	static final Setting<HyperlaneServerProperties, DataSize> MAX_IN_MEMORY_SIZE = size("max-in-memory-size",
			HyperlaneServerProperties::maxInMemorySize, DataSize.ofMegabytes(1), 1,
			"nginx's client_max_body_size; Spring's 256 KB refuses ordinary JSON payloads; a larger body gets 413")
		.withBootProperty("spring.http.codecs.max-in-memory-size");

	static final Setting<HyperlaneServerProperties, DataSize> INITIAL_BUFFER_SIZE = size("initial-buffer-size",
			HyperlaneServerProperties::initialBufferSize, DataSize.ofBytes(128), 1, "Reactor Netty's default")
		.withBootProperty("server.netty.initial-buffer-size");

	static final Setting<HyperlaneServerProperties, Boolean> VALIDATE_HEADERS = Setting
		.of("validate-headers", Boolean.class, HyperlaneServerProperties::validateHeaders, true,
				"illegal header names or values get 400 (response splitting protection)")
		.withBootProperty("server.netty.validate-headers");

	static final Setting<HyperlaneServerProperties, Duration> IDLE_TIMEOUT = timeout("idle-timeout",
			HyperlaneServerProperties::idleTimeout, Duration.ofSeconds(75),
			"nginx's keepalive_timeout; longer than the 60 s idle timeout of cloud load balancers, so they close"
					+ " idle connections first")
		.withBootProperty("server.netty.idle-timeout");

	static final Setting<HyperlaneServerProperties, Duration> REQUEST_HEADER_TIMEOUT = timeout(
			"request-header-timeout", HyperlaneServerProperties::requestHeaderTimeout, Duration.ofSeconds(20),
			"Apache httpd mod_reqtimeout's header timeout; stops clients that trickle headers (slowloris)");

	static final Setting<HyperlaneServerProperties, Duration> READ_TIMEOUT = timeout("read-timeout",
			HyperlaneServerProperties::readTimeout, Duration.ofSeconds(60),
			"nginx's client_body_timeout (longest gap between two reads of a body)");

	static final Setting<HyperlaneServerProperties, Duration> REQUEST_TIMEOUT = timeout("request-timeout",
			HyperlaneServerProperties::requestTimeout, Duration.ofMinutes(5),
			"Node.js's server.requestTimeout (whole request body)");

	static final Setting<HyperlaneServerProperties, Integer> MAX_KEEP_ALIVE_REQUESTS = Setting
		.of("max-keep-alive-requests", Integer.class, HyperlaneServerProperties::maxKeepAliveRequests, 1000,
				"nginx's keepalive_requests; clients reconnect now and then and so spread over new instances")
		.withBootProperty("server.netty.max-keep-alive-requests")
		.withCheck((count) -> count == -1 || count >= 1, "-1 (no limit) or 1 and more");

	static final Setting<HyperlaneServerProperties, Integer> MAX_CONNECTIONS = Setting
		.of("max-connections", Integer.class, HyperlaneServerProperties::maxConnections, null,
				"derived from max direct memory and the file-descriptor limit")
		.withCheck((count) -> count == -1 || count >= 1, "1 or more, -1 for no limit, or unset to derive it");

	static final Setting<HyperlaneServerProperties, DataSize> MAX_REQUEST_BODY_MEMORY = Setting
		.of("max-request-body-memory", DataSize.class, HyperlaneServerProperties::maxRequestBodyMemory, null,
				"derived from max direct memory")
		.withCheck((size) -> !size.isNegative(), "0 (no limit) or more, such as 128MB");

	static final Setting<HyperlaneServerProperties, Integer> MAX_PIPELINED_REQUESTS = Setting
		.of("max-pipelined-requests", Integer.class, HyperlaneServerProperties::maxPipelinedRequests, 16,
				"about 450 bytes of heap per pending request; no ordinary client pipelines deeper")
		.withCheck((count) -> count >= 1 && count <= 1024, "1 to 1024");

	static final Setting<HyperlaneServerProperties, Boolean> ACCESS_LOG = Setting.of("access-log", Boolean.class,
			HyperlaneServerProperties::accessLog, false,
			"off: one log line per request costs throughput; turn on while debugging");

	static final Setting<HyperlaneServerProperties, Boolean> HTTP2_ENABLED = Setting
		.of("http2.enabled", Boolean.class, (HyperlaneServerProperties properties) -> properties.http2().enabled(), false,
				"off as in Spring Boot; h2c then h2 with TLS when turned on")
		.withBootProperty("server.http2.enabled");

	static final Setting<HyperlaneServerProperties, Long> HTTP2_MAX_CONCURRENT_STREAMS = Setting
		.of("http2.max-concurrent-streams", Long.class, (HyperlaneServerProperties properties) -> properties.http2().maxConcurrentStreams(),
				100L, "RFC 9113 section 6.5.2 recommends no fewer than 100")
		.withCheck((streams) -> streams >= 1 && streams <= 0xFFFFFFFFL, "1 to 4294967295");

	static final Setting<HyperlaneServerProperties, Boolean> COMPRESSION_ENABLED = Setting
		.of("compression.enabled", Boolean.class, (HyperlaneServerProperties properties) -> properties.compression().enabled(), true,
				"text-like responses shrink severalfold: the storefront's 77 KB catalog JSON leaves as 7.5 KB with gzip")
		.withBootProperty("server.compression.enabled");

	static final Setting<HyperlaneServerProperties, DataSize> COMPRESSION_MIN_RESPONSE_SIZE = Setting
		.of("compression.min-response-size", DataSize.class,
				(HyperlaneServerProperties properties) -> properties.compression().minResponseSize(), DataSize.ofKilobytes(1),
				"a smaller body already fits one TCP segment (MSS 1460 B)")
		.withBootProperty("server.compression.min-response-size");

	static final Setting<HyperlaneServerProperties, List<String>> COMPRESSION_MIME_TYPES = Setting
		.of("compression.mime-types", Bindable.listOf(String.class),
				(HyperlaneServerProperties properties) -> List.copyOf(properties.compression().mimeTypes()),
				List.of("text/html", "text/plain", "text/css", "text/csv", "text/xml", "text/javascript",
						"application/javascript", "application/json", "application/*+json", "application/x-ndjson",
						"application/xml", "application/*+xml", "image/svg+xml"),
				 "text, JSON, XML, JavaScript and SVG")
		.withBootProperty("server.compression.mime-types");

	static final Setting<HyperlaneServerProperties, Integer> COMPRESSION_GZIP_LEVEL = Setting
		.of("compression.gzip-level", Integer.class, (HyperlaneServerProperties properties) -> properties.compression().gzipLevel(), 6,
				"zlib's default level, the usual balance of size and CPU")
		.withCheck((level) -> level >= 1 && level <= 9, "1 to 9");

	static final Setting<HyperlaneServerProperties, Integer> COMPRESSION_DEFLATE_LEVEL = Setting
		.of("compression.deflate-level", Integer.class, (HyperlaneServerProperties properties) -> properties.compression().deflateLevel(),
				6, "zlib's default level")
		.withCheck((level) -> level >= 1 && level <= 9, "1 to 9");

	static final Setting<HyperlaneServerProperties, Integer> COMPRESSION_ZSTD_LEVEL = Setting
		.of("compression.zstd-level", Integer.class, (HyperlaneServerProperties properties) -> properties.compression().zstdLevel(), 3,
				"zstd's default level")
		.withCheck((level) -> level >= 1 && level <= 22, "1 to 22");

	static final Setting<HyperlaneServerProperties, Boolean> CONCURRENCY_LIMIT_ENABLED = Setting.of(
			"concurrency-limit.enabled", Boolean.class, (HyperlaneServerProperties properties) -> properties.concurrencyLimit().enabled(),
			false, "off: latency-driven limits misjudge streaming and long-polling requests; turn on behind a"
					+ " balancer that retries 503s elsewhere");

	static final Setting<HyperlaneServerProperties, ConcurrencyLimitAlgorithm> CONCURRENCY_LIMIT_ALGORITHM = Setting
		.of("concurrency-limit.algorithm", ConcurrencyLimitAlgorithm.class,
				(HyperlaneServerProperties properties) -> properties.concurrencyLimit().algorithm(), ConcurrencyLimitAlgorithm.GRADIENT2,
				"Gradient2, the concurrency-limits library's recommended algorithm");

	static final Setting<HyperlaneServerProperties, Integer> CONCURRENCY_LIMIT_INITIAL = Setting.of(
			"concurrency-limit.initial-limit", Integer.class,
			(HyperlaneServerProperties properties) -> properties.concurrencyLimit().initialLimit(), 100,
			"five times the library's 20, so a warm service is not throttled before the first latency samples");

	static final Setting<HyperlaneServerProperties, Integer> CONCURRENCY_LIMIT_MIN = Setting
		.of("concurrency-limit.min-limit", Integer.class, (HyperlaneServerProperties properties) -> properties.concurrencyLimit().minLimit(),
				20, "the concurrency-limits library's default")
		.withCheck((limit) -> limit >= 1, "1 or more");

	static final Setting<HyperlaneServerProperties, Integer> CONCURRENCY_LIMIT_MAX = Setting.of(
			"concurrency-limit.max-limit", Integer.class, (HyperlaneServerProperties properties) -> properties.concurrencyLimit().maxLimit(),
			1000, "the library's Vegas default; Gradient2's 200 would cap services with fast requests");

	static final Setting<HyperlaneServerProperties, Duration> CONCURRENCY_LIMIT_RETRY_AFTER = Setting
		.of("concurrency-limit.retry-after", Duration.class,
				(HyperlaneServerProperties properties) -> properties.concurrencyLimit().retryAfter(), Duration.ofSeconds(1),
				"the shortest Retry-After HTTP can say (RFC 9110 section 10.2.3)")
		.withCheck((retryAfter) -> retryAfter.toSeconds() >= 1, "1s or more (whole seconds)");

	static final Setting<HyperlaneServerProperties, List<String>> CONCURRENCY_LIMIT_BYPASS_PATHS = Setting.of(
			"concurrency-limit.bypass-paths", Bindable.listOf(String.class),
			(HyperlaneServerProperties properties) -> List.copyOf(properties.concurrencyLimit().bypassPaths()),
			List.of("/actuator/**"),
			"health checks and the hyperlane endpoint stay reachable under overload");

	/**
	 * Every server setting with a default of its own, in the order the endpoint shows them; the configuration
	 * metadata is checked against these defaults.
	 */
	public static final List<Setting<HyperlaneServerProperties, ?>> SETTINGS = List.of(MAX_INITIAL_LINE_LENGTH,
			MAX_HEADER_SIZE, MAX_IN_MEMORY_SIZE, INITIAL_BUFFER_SIZE, VALIDATE_HEADERS, IDLE_TIMEOUT,
			REQUEST_HEADER_TIMEOUT, READ_TIMEOUT, REQUEST_TIMEOUT, MAX_KEEP_ALIVE_REQUESTS, MAX_PIPELINED_REQUESTS,
			ACCESS_LOG, HTTP2_ENABLED, HTTP2_MAX_CONCURRENT_STREAMS, COMPRESSION_ENABLED, COMPRESSION_MIN_RESPONSE_SIZE,
			COMPRESSION_MIME_TYPES, COMPRESSION_GZIP_LEVEL, COMPRESSION_DEFLATE_LEVEL, COMPRESSION_ZSTD_LEVEL,
			CONCURRENCY_LIMIT_ENABLED, CONCURRENCY_LIMIT_ALGORITHM, CONCURRENCY_LIMIT_INITIAL, CONCURRENCY_LIMIT_MIN,
			CONCURRENCY_LIMIT_MAX, CONCURRENCY_LIMIT_RETRY_AFTER, CONCURRENCY_LIMIT_BYPASS_PATHS);

	/**
	 * Every {@code hyperlane.server.socket.*} setting with the server's defaults; the configuration metadata is
	 * checked against them.
	 */
	public static final List<Setting<SocketOptionsProperties, ?>> SOCKET_SETTINGS = SocketSettings.listenerTable(List.of(
			SocketSettings.TCP_NO_DELAY.withDefault(true,
					"small responses leave at once instead of waiting for an ACK (Nagle)"),
			SocketSettings.KEEP_ALIVE.withDefault(true,
					"finds peers that vanished without a FIN (crash, NAT or conntrack drop)"),
			SocketSettings.KEEP_ALIVE_IDLE.withDefault(Duration.ofSeconds(60),
					"probes start before the 4-minute idle timeout of the strictest cloud NAT; Linux waits 2 hours"),
			SocketSettings.KEEP_ALIVE_INTERVAL.withDefault(Duration.ofSeconds(10),
					"a dead peer is found about 90 s after it went quiet"),
			SocketSettings.KEEP_ALIVE_COUNT.withDefault(3, "three unanswered probes are enough to call a peer gone"),
			SocketSettings.REUSE_ADDRESS.withDefault(true,
					"a restarted server can bind while old connections sit in TIME_WAIT")));

	private final ResolvedSettings settings;

	private final @Nullable EffectiveSetting h2cMaxContentLength;

	private final Map<String, EffectiveSetting> socket;

	private final SocketOptionPlan socketPlan;

	private ServerSettings(ResolvedSettings settings, @Nullable EffectiveSetting h2cMaxContentLength,
			Map<String, EffectiveSetting> socket, SocketOptionPlan socketPlan) {
		this.settings = settings;
		this.h2cMaxContentLength = h2cMaxContentLength;
		this.socket = socket;
		this.socketPlan = socketPlan;
	}

	/**
	 * Declare a size setting, checked to lie between a smallest size and 2GB (the largest an int counts).
	 */
	private static Setting<HyperlaneServerProperties, DataSize> size(String name,
			Function<HyperlaneServerProperties, @Nullable DataSize> read, DataSize defaultValue, long minBytes,
			String reason) {
		return Setting.of(name, DataSize.class, read, defaultValue, reason)
			.withCheck((size) -> Setting.between(size, minBytes, Integer.MAX_VALUE), "from " + minBytes + "B to 2GB");
	}

	/**
	 * Declare a timeout, checked to be positive.
	 */
	private static Setting<HyperlaneServerProperties, Duration> timeout(String name,
			Function<HyperlaneServerProperties, @Nullable Duration> read, Duration defaultValue, String reason) {
		return Setting.of(name, Duration.class, read, defaultValue, reason)
			.withCheck(Setting::positive, POSITIVE_DURATION);
	}

	/**
	 * Resolve the settings from the properties, Spring Boot's own properties and Hyperlane's defaults.
	 * @param properties the bound {@code hyperlane.server.*} properties
	 * @param explicit tells which properties the application set
	 * @param binder binds Spring Boot's properties
	 * @param socketMapper maps socket options to the active transport
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static ServerSettings resolve(HyperlaneServerProperties properties, ExplicitProperties explicit,
			Binder binder, SocketOptionMapper socketMapper) {
		return resolve(properties, explicit, binder, socketMapper, ServerCapacity.ofThisProcess());
	}

	/**
	 * Resolve the settings, deriving the connection limit and the request body memory from the given capacity.
	 * @param properties the bound {@code hyperlane.server.*} properties
	 * @param explicit tells which properties the application set
	 * @param binder binds Spring Boot's properties
	 * @param socketMapper maps socket options to the active transport
	 * @param capacity what the process can afford (direct memory, file descriptors)
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static ServerSettings resolve(HyperlaneServerProperties properties, ExplicitProperties explicit,
			Binder binder, SocketOptionMapper socketMapper, ServerCapacity capacity) {
		SettingResolver<HyperlaneServerProperties> resolver = new SettingResolver<>(
				List.of(SettingResolver.Layer.explicit(PREFIX, properties, explicit)), PREFIX, explicit, binder);
		for (Setting<HyperlaneServerProperties, ?> setting : SETTINGS.subList(0, SETTINGS.indexOf(MAX_PIPELINED_REQUESTS))) {
			resolver.resolve(setting);
		}
		resolver.derive(MAX_CONNECTIONS, capacity.connectionLimit(), capacity.connectionLimitDerivation());
		resolver.derive(MAX_REQUEST_BODY_MEMORY, DataSize.ofBytes(capacity.requestBodyMemory()),
				capacity.requestBodyMemoryDerivation());
		for (Setting<HyperlaneServerProperties, ?> setting : SETTINGS.subList(SETTINGS.indexOf(MAX_PIPELINED_REQUESTS),
				SETTINGS.size())) {
			resolver.resolve(setting);
		}
		ResolvedSettings settings = resolver.settings();
		checkConcurrencyLimits(settings);
		EffectiveSetting h2c = null;
		if (explicit.isSet(H2C_MAX_CONTENT_LENGTH)) {
			h2c = new EffectiveSetting(H2C_MAX_CONTENT_LENGTH, binder.bind(H2C_MAX_CONTENT_LENGTH, DataSize.class).get(),
					SettingSource.BOOT_PROPERTY, "set by " + H2C_MAX_CONTENT_LENGTH);
		}
		SocketSettings socket = SocketSettings.resolve(SOCKET_SETTINGS,
				List.of(SettingResolver.Layer.nullable(PREFIX + ".socket", properties.socket())), PREFIX + ".socket");
		return new ServerSettings(settings, h2c, socket.effective(), socketMapper.map(socket.values(), true));
	}

	private static void checkConcurrencyLimits(ResolvedSettings settings) {
		int min = settings.require(CONCURRENCY_LIMIT_MIN);
		int max = settings.require(CONCURRENCY_LIMIT_MAX);
		if (max < min) {
			throw SettingResolver.outOfRange(settings.byName().get(CONCURRENCY_LIMIT_MAX.name()),
					"min-limit (" + min + ") or more");
		}
		int initial = settings.require(CONCURRENCY_LIMIT_INITIAL);
		if (initial < min || initial > max) {
			throw SettingResolver.outOfRange(settings.byName().get(CONCURRENCY_LIMIT_INITIAL.name()),
					"a value from min-limit to max-limit (" + min + " to " + max + ")");
		}
	}

	/**
	 * Return the value of a setting.
	 * @param setting the setting's descriptor, one of this class's constants
	 * @param <T> the value's type
	 * @return the value, or {@code null} when unset
	 */
	public <T> @Nullable T get(Setting<HyperlaneServerProperties, T> setting) {
		return this.settings.get(setting);
	}

	/**
	 * Return the value of a setting that always has one.
	 * @param setting the setting's descriptor, one of this class's constants
	 * @param <T> the value's type
	 * @return the value
	 */
	public <T> T require(Setting<HyperlaneServerProperties, T> setting) {
		return this.settings.require(setting);
	}

	/**
	 * Return Spring Boot's {@code server.netty.h2c-max-content-length}, which Hyperlane applies when it is set.
	 * @return the size, or {@code null} to keep Reactor Netty's
	 */
	public @Nullable DataSize h2cMaxContentLength() {
		EffectiveSetting h2c = this.h2cMaxContentLength;
		return (h2c != null) ? (DataSize) h2c.value() : null;
	}

	/**
	 * Return a setting with its source and reason.
	 * @param setting the setting's descriptor
	 * @return the setting, or {@code null} when there is none
	 */
	public @Nullable EffectiveSetting setting(Setting<HyperlaneServerProperties, ?> setting) {
		return this.settings.effective(setting);
	}

	/**
	 * Return a copy in which a setting keeps a value that code ahead of Hyperlane's tuning already applied.
	 * @param setting the setting's descriptor
	 * @param value the value found on the server
	 * @param reason who set it
	 * @param <T> the value's type
	 * @return the new settings
	 */
	public <T> ServerSettings override(Setting<HyperlaneServerProperties, T> setting, T value, String reason) {
		return new ServerSettings(this.settings.override(setting, value, SettingSource.CUSTOMIZER, reason),
				this.h2cMaxContentLength, this.socket, this.socketPlan);
	}

	/**
	 * Return the socket options as mapped to the active transport.
	 * @return the plan
	 */
	public SocketOptionPlan socketPlan() {
		return this.socketPlan;
	}

	/**
	 * Return every setting, socket options included, keyed by property.
	 * @return the effective settings, in a stable order
	 */
	public Map<String, EffectiveSetting> effective() {
		Map<String, EffectiveSetting> all = new LinkedHashMap<>(this.settings.byProperty());
		EffectiveSetting h2c = this.h2cMaxContentLength;
		if (h2c != null) {
			all.put(h2c.property(), h2c);
		}
		all.putAll(this.socket);
		return all;
	}

}
