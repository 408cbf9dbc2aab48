package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.SocketOption;
import dev.hyperlane.boot.transport.SocketOptionMapper;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.SocketSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.unit.DataSize;

/**
 * The server settings as applied: each value keyed by its {@code hyperlane.server.*} property, with its source and
 * reason. Immutable; {@link #override} returns a copy. Sizes are {@link DataSize}, times {@link Duration}.
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

	static final String MAX_INITIAL_LINE_LENGTH = PREFIX + ".max-initial-line-length";

	static final String MAX_HEADER_SIZE = PREFIX + ".max-header-size";

	static final String MAX_IN_MEMORY_SIZE = PREFIX + ".max-in-memory-size";

	static final String INITIAL_BUFFER_SIZE = PREFIX + ".initial-buffer-size";

	static final String VALIDATE_HEADERS = PREFIX + ".validate-headers";

	static final String H2C_MAX_CONTENT_LENGTH = "server.netty.h2c-max-content-length";

	static final String IDLE_TIMEOUT = PREFIX + ".idle-timeout";

	static final String REQUEST_HEADER_TIMEOUT = PREFIX + ".request-header-timeout";

	static final String READ_TIMEOUT = PREFIX + ".read-timeout";

	static final String REQUEST_TIMEOUT = PREFIX + ".request-timeout";

	static final String MAX_KEEP_ALIVE_REQUESTS = PREFIX + ".max-keep-alive-requests";

	static final String MAX_CONNECTIONS = PREFIX + ".max-connections";

	static final String MAX_REQUEST_BODY_MEMORY = PREFIX + ".max-request-body-memory";

	static final String MAX_PIPELINED_REQUESTS = PREFIX + ".max-pipelined-requests";

	static final String ACCESS_LOG = PREFIX + ".access-log";

	static final String HTTP2_ENABLED = PREFIX + ".http2.enabled";

	static final String HTTP2_MAX_CONCURRENT_STREAMS = PREFIX + ".http2.max-concurrent-streams";

	static final String COMPRESSION_ENABLED = PREFIX + ".compression.enabled";

	static final String COMPRESSION_MIN_RESPONSE_SIZE = PREFIX + ".compression.min-response-size";

	static final String COMPRESSION_MIME_TYPES = PREFIX + ".compression.mime-types";

	static final String COMPRESSION_GZIP_LEVEL = PREFIX + ".compression.gzip-level";

	static final String COMPRESSION_DEFLATE_LEVEL = PREFIX + ".compression.deflate-level";

	static final String COMPRESSION_ZSTD_LEVEL = PREFIX + ".compression.zstd-level";

	static final String CONCURRENCY_LIMIT_ENABLED = PREFIX + ".concurrency-limit.enabled";

	static final String CONCURRENCY_LIMIT_ALGORITHM = PREFIX + ".concurrency-limit.algorithm";

	static final String CONCURRENCY_LIMIT_INITIAL = PREFIX + ".concurrency-limit.initial-limit";

	static final String CONCURRENCY_LIMIT_MIN = PREFIX + ".concurrency-limit.min-limit";

	static final String CONCURRENCY_LIMIT_MAX = PREFIX + ".concurrency-limit.max-limit";

	static final String CONCURRENCY_LIMIT_RETRY_AFTER = PREFIX + ".concurrency-limit.retry-after";

	static final String CONCURRENCY_LIMIT_BYPASS_PATHS = PREFIX + ".concurrency-limit.bypass-paths";

	static final Map<SocketOption, SocketSettings.Default> SOCKET_DEFAULTS = Map.of(SocketOption.TCP_NO_DELAY,
			new SocketSettings.Default(true, "small responses leave at once instead of waiting for an ACK (Nagle)"),
			SocketOption.KEEP_ALIVE,
			new SocketSettings.Default(true, "finds peers that vanished without a FIN (crash, NAT or conntrack drop)"),
			SocketOption.KEEP_ALIVE_IDLE,
			new SocketSettings.Default(Duration.ofSeconds(60),
					"probes start before the 4-minute idle timeout of the strictest cloud NAT; Linux waits 2 hours"),
			SocketOption.KEEP_ALIVE_INTERVAL,
			new SocketSettings.Default(Duration.ofSeconds(10), "a dead peer is found about 90 s after it went quiet"),
			SocketOption.KEEP_ALIVE_COUNT,
			new SocketSettings.Default(3, "three unanswered probes are enough to call a peer gone"),
			SocketOption.REUSE_ADDRESS,
			new SocketSettings.Default(true, "a restarted server can bind while old connections sit in TIME_WAIT"));

	private final Map<String, EffectiveSetting> settings;

	private final SocketSettings socket;

	private final SocketOptionPlan socketPlan;

	private ServerSettings(Map<String, EffectiveSetting> settings, SocketSettings socket, SocketOptionPlan socketPlan) {
		this.settings = Collections.unmodifiableMap(settings);
		this.socket = socket;
		this.socketPlan = socketPlan;
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
		Resolver resolver = new Resolver(explicit, binder);
		resolver.pick(MAX_INITIAL_LINE_LENGTH, properties.getMaxInitialLineLength(),
				"server.netty.max-initial-line-length", DataSize.class,
				"Reactor Netty's default; a longer request line gets 414");
		resolver.pick(MAX_HEADER_SIZE, properties.getMaxHeaderSize(), "server.max-http-request-header-size",
				DataSize.class, "Node.js's limit, room for large JWT and cookie headers; a larger block gets 431");
		resolver.pick(MAX_IN_MEMORY_SIZE, properties.getMaxInMemorySize(), "spring.http.codecs.max-in-memory-size",
				DataSize.class, "nginx's client_max_body_size; Spring's 256 KB refuses ordinary JSON payloads; a larger"
						+ " body gets 413");
		resolver.pick(INITIAL_BUFFER_SIZE, properties.getInitialBufferSize(), "server.netty.initial-buffer-size",
				DataSize.class, "Reactor Netty's default");
		resolver.pick(VALIDATE_HEADERS, properties.isValidateHeaders(), "server.netty.validate-headers",
				Boolean.class, "illegal header names or values get 400 (response splitting protection)");
		if (explicit.isSet(H2C_MAX_CONTENT_LENGTH)) {
			resolver.put(H2C_MAX_CONTENT_LENGTH, binder.bind(H2C_MAX_CONTENT_LENGTH, DataSize.class).get(),
					SettingSource.BOOT_PROPERTY, "set by " + H2C_MAX_CONTENT_LENGTH);
		}
		resolver.pick(IDLE_TIMEOUT, properties.getIdleTimeout(), "server.netty.idle-timeout", Duration.class,
				"nginx's keepalive_timeout; longer than the 60 s idle timeout of cloud load balancers, so they close"
						+ " idle connections first");
		resolver.pick(REQUEST_HEADER_TIMEOUT, properties.getRequestHeaderTimeout(), null, Duration.class,
				"Apache httpd mod_reqtimeout's header timeout; stops clients that trickle headers (slowloris)");
		resolver.pick(READ_TIMEOUT, properties.getReadTimeout(), null, Duration.class,
				"nginx's client_body_timeout (longest gap between two reads of a body)");
		resolver.pick(REQUEST_TIMEOUT, properties.getRequestTimeout(), null, Duration.class,
				"Node.js's server.requestTimeout (whole request body)");
		resolver.pick(MAX_KEEP_ALIVE_REQUESTS, properties.getMaxKeepAliveRequests(),
				"server.netty.max-keep-alive-requests", Integer.class,
				"nginx's keepalive_requests; clients reconnect now and then and so spread over new instances");
		if (explicit.isSet(MAX_CONNECTIONS)) {
			resolver.put(MAX_CONNECTIONS, properties.getMaxConnections(), SettingSource.PROPERTY,
					"set by " + MAX_CONNECTIONS);
		}
		else {
			resolver.put(MAX_CONNECTIONS, capacity.connectionLimit(), SettingSource.DERIVED,
					capacity.connectionLimitDerivation());
		}
		if (explicit.isSet(MAX_REQUEST_BODY_MEMORY)) {
			resolver.put(MAX_REQUEST_BODY_MEMORY, properties.getMaxRequestBodyMemory(), SettingSource.PROPERTY,
					"set by " + MAX_REQUEST_BODY_MEMORY);
		}
		else {
			resolver.put(MAX_REQUEST_BODY_MEMORY, DataSize.ofBytes(capacity.requestBodyMemory()),
					SettingSource.DERIVED, capacity.requestBodyMemoryDerivation());
		}
		resolver.pick(MAX_PIPELINED_REQUESTS, properties.getMaxPipelinedRequests(), null, Integer.class,
				"about 450 bytes of heap per pending request; no ordinary client pipelines deeper");
		resolver.pick(ACCESS_LOG, properties.isAccessLog(), null, Boolean.class,
				"off: one log line per request costs throughput; turn on while debugging");
		resolver.pick(HTTP2_ENABLED, properties.getHttp2().isEnabled(), "server.http2.enabled", Boolean.class,
				"off as in Spring Boot; h2c then h2 with TLS when turned on");
		resolver.pick(HTTP2_MAX_CONCURRENT_STREAMS, properties.getHttp2().getMaxConcurrentStreams(), null,
				Long.class, "RFC 9113 section 6.5.2 recommends no fewer than 100");
		HyperlaneServerProperties.Compression compression = properties.getCompression();
		resolver.pick(COMPRESSION_ENABLED, compression.isEnabled(), "server.compression.enabled", Boolean.class,
				"text-like responses shrink severalfold: the storefront's 77 KB catalog JSON leaves as 7.5 KB with gzip");
		resolver.pick(COMPRESSION_MIN_RESPONSE_SIZE, compression.getMinResponseSize(),
				"server.compression.min-response-size", DataSize.class,
				"a smaller body already fits one TCP segment (MSS 1460 B)");
		resolver.pick(COMPRESSION_MIME_TYPES, List.copyOf(compression.getMimeTypes()), "server.compression.mime-types",
				Bindable.listOf(String.class), "text, JSON, XML, JavaScript and SVG");
		resolver.pick(COMPRESSION_GZIP_LEVEL, compression.getGzipLevel(), null, Integer.class,
				"zlib's default level, the usual balance of size and CPU");
		resolver.pick(COMPRESSION_DEFLATE_LEVEL, compression.getDeflateLevel(), null, Integer.class,
				"zlib's default level");
		resolver.pick(COMPRESSION_ZSTD_LEVEL, compression.getZstdLevel(), null, Integer.class,
				"zstd's default level");
		HyperlaneServerProperties.ConcurrencyLimit limit = properties.getConcurrencyLimit();
		resolver.pick(CONCURRENCY_LIMIT_ENABLED, limit.isEnabled(), null, Boolean.class,
				"off: latency-driven limits misjudge streaming and long-polling requests; turn on behind a balancer"
						+ " that retries 503s elsewhere");
		resolver.pick(CONCURRENCY_LIMIT_ALGORITHM, limit.getAlgorithm(), null, ConcurrencyLimitAlgorithm.class,
				"Gradient2, the concurrency-limits library's recommended algorithm");
		resolver.pick(CONCURRENCY_LIMIT_INITIAL, limit.getInitialLimit(), null, Integer.class,
				"five times the library's 20, so a warm service is not throttled before the first latency samples");
		resolver.pick(CONCURRENCY_LIMIT_MIN, limit.getMinLimit(), null, Integer.class,
				"the concurrency-limits library's default");
		resolver.pick(CONCURRENCY_LIMIT_MAX, limit.getMaxLimit(), null, Integer.class,
				"the library's Vegas default; Gradient2's 200 would cap services with fast requests");
		resolver.pick(CONCURRENCY_LIMIT_RETRY_AFTER, limit.getRetryAfter(), null, Duration.class,
				"the shortest Retry-After HTTP can say (RFC 9110 section 10.2.3)");
		resolver.pick(CONCURRENCY_LIMIT_BYPASS_PATHS, List.copyOf(limit.getBypassPaths()), null,
				Bindable.listOf(String.class), "health checks and the hyperlane endpoint stay reachable under overload");
		Map<String, EffectiveSetting> settings = resolver.settings;
		validate(settings);
		SocketSettings socket = SocketSettings.resolve(PREFIX + ".socket", properties.getSocket(), SOCKET_DEFAULTS,
				explicit::isSet);
		return new ServerSettings(settings, socket, socketMapper.map(socket.values(), true));
	}

	private static void validate(Map<String, EffectiveSetting> settings) {
		positiveSize(settings, MAX_INITIAL_LINE_LENGTH, 64);
		positiveSize(settings, MAX_HEADER_SIZE, 64);
		positiveSize(settings, MAX_IN_MEMORY_SIZE, 1);
		positiveSize(settings, INITIAL_BUFFER_SIZE, 1);
		positiveTime(settings, IDLE_TIMEOUT);
		positiveTime(settings, REQUEST_HEADER_TIMEOUT);
		positiveTime(settings, READ_TIMEOUT);
		positiveTime(settings, REQUEST_TIMEOUT);
		range(settings, MAX_KEEP_ALIVE_REQUESTS, -1, Integer.MAX_VALUE, "-1 (no limit) or 1 and more", true);
		range(settings, MAX_CONNECTIONS, -1, Integer.MAX_VALUE, "1 or more, -1 for no limit, or unset to derive it",
				true);
		range(settings, MAX_PIPELINED_REQUESTS, 1, 1024, "1 to 1024", false);
		DataSize bodyMemory = (DataSize) settings.get(MAX_REQUEST_BODY_MEMORY).value();
		if (bodyMemory == null || bodyMemory.isNegative()) {
			throw outOfRange(settings.get(MAX_REQUEST_BODY_MEMORY), "0 (no limit) or more, such as 128MB");
		}
		range(settings, HTTP2_MAX_CONCURRENT_STREAMS, 1, 0xFFFFFFFFL, "1 to 4294967295", false);
		range(settings, COMPRESSION_GZIP_LEVEL, 1, 9, "1 to 9", false);
		range(settings, COMPRESSION_DEFLATE_LEVEL, 1, 9, "1 to 9", false);
		range(settings, COMPRESSION_ZSTD_LEVEL, 1, 22, "1 to 22", false);
		range(settings, CONCURRENCY_LIMIT_MIN, 1, Integer.MAX_VALUE, "1 or more", false);
		int min = (Integer) settings.get(CONCURRENCY_LIMIT_MIN).value();
		range(settings, CONCURRENCY_LIMIT_MAX, min, Integer.MAX_VALUE, "min-limit (" + min + ") or more", false);
		int max = (Integer) settings.get(CONCURRENCY_LIMIT_MAX).value();
		range(settings, CONCURRENCY_LIMIT_INITIAL, min, max, "a value from min-limit to max-limit (" + min + " to " + max + ")",
				false);
		Duration retryAfter = (Duration) settings.get(CONCURRENCY_LIMIT_RETRY_AFTER).value();
		if (retryAfter == null || retryAfter.toSeconds() < 1) {
			throw outOfRange(settings.get(CONCURRENCY_LIMIT_RETRY_AFTER), "1s or more (whole seconds)");
		}
	}

	private static void positiveSize(Map<String, EffectiveSetting> settings, String property, long min) {
		DataSize size = (DataSize) settings.get(property).value();
		if (size == null || size.toBytes() < min || size.toBytes() > Integer.MAX_VALUE) {
			throw outOfRange(settings.get(property), "from " + min + "B to 2GB");
		}
	}

	private static void positiveTime(Map<String, EffectiveSetting> settings, String property) {
		Duration duration = (Duration) settings.get(property).value();
		if (duration == null || duration.isNegative() || duration.isZero()) {
			throw outOfRange(settings.get(property), "a positive duration such as 30s");
		}
	}

	private static void range(Map<String, EffectiveSetting> settings, String property, long min, long max,
			String allowed, boolean zeroInvalid) {
		Object value = settings.get(property).value();
		if (value == null) {
			return;
		}
		long number = ((Number) value).longValue();
		if (number < min || number > max || (zeroInvalid && number == 0)) {
			throw outOfRange(settings.get(property), allowed);
		}
	}

	private static HyperlaneSettingException outOfRange(EffectiveSetting setting, String allowed) {
		return new HyperlaneSettingException(setting.property(),
				"value " + setting.value() + " (" + setting.source() + ") is out of range",
				"Set " + setting.property() + " to " + allowed + ".");
	}

	/**
	 * Return the value of a setting.
	 * @param property the {@code hyperlane.server.*} property
	 * @param <T> the value's type
	 * @return the value, or {@code null} when unset
	 */
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(String property) {
		EffectiveSetting setting = this.settings.get(property);
		return (setting != null) ? (T) setting.value() : null;
	}

	/**
	 * Return the setting for a property.
	 * @param property the property
	 * @return the setting, or {@code null} when there is none
	 */
	public @Nullable EffectiveSetting setting(String property) {
		return this.settings.get(property);
	}

	/**
	 * Return a copy in which a setting keeps a value that code ahead of Hyperlane's tuning already applied.
	 * @param property the property
	 * @param value the value found on the server
	 * @param reason who set it
	 * @return the new settings
	 */
	public ServerSettings override(String property, Object value, String reason) {
		Map<String, EffectiveSetting> copy = new LinkedHashMap<>(this.settings);
		copy.put(property, new EffectiveSetting(property, value, SettingSource.CUSTOMIZER, reason));
		return new ServerSettings(copy, this.socket, this.socketPlan);
	}

	/**
	 * Return the socket settings.
	 * @return the socket settings
	 */
	public SocketSettings socket() {
		return this.socket;
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
		Map<String, EffectiveSetting> all = new LinkedHashMap<>(this.settings);
		all.putAll(this.socket.effective());
		return all;
	}

	private static final class Resolver {

		private final ExplicitProperties explicit;

		private final Binder binder;

		private final Map<String, EffectiveSetting> settings = new LinkedHashMap<>();

		Resolver(ExplicitProperties explicit, Binder binder) {
			this.explicit = explicit;
			this.binder = binder;
		}

		<T> void pick(String property, @Nullable T value, @Nullable String bootProperty, Class<T> bootType,
				String defaultReason) {
			pick(property, value, bootProperty, Bindable.of(bootType), defaultReason);
		}

		<T> void pick(String property, @Nullable T value, @Nullable String bootProperty, Bindable<T> bootType,
				String defaultReason) {
			if (this.explicit.isSet(property)) {
				put(property, value, SettingSource.PROPERTY, "set by " + property);
			}
			else if (bootProperty != null && this.explicit.isSet(bootProperty)) {
				T bootValue = this.binder.bind(bootProperty, bootType).orElse(null);
				put(property, bootValue, SettingSource.BOOT_PROPERTY,
						"Spring Boot's " + bootProperty + " is set and wins over Hyperlane's default");
			}
			else {
				put(property, value, SettingSource.DEFAULT, defaultReason);
			}
		}

		void put(String property, @Nullable Object value, SettingSource source, String reason) {
			this.settings.put(property, new EffectiveSetting(property, value, source, reason));
		}

	}

}
