package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import dev.hyperlane.boot.CallerDeadlines;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.TransportResources;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.Zstd;
import io.netty.handler.ssl.SslContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpRequestDecoderSpec;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerConfig;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.HttpDecoderSpec;
import reactor.netty.http.server.compression.DeflateOption;
import reactor.netty.http.server.compression.GzipOption;
import reactor.netty.http.server.compression.HttpCompressionOption;
import reactor.netty.http.server.compression.ZstdOption;
import reactor.netty.tcp.SslProvider;

import org.springframework.util.unit.DataSize;

/**
 * Applies {@link ServerSettings} to Reactor Netty's {@link HttpServer}: allocator, socket options, HTTP/1.1 decoder
 * limits, timeouts, keep-alive, connection limit, HTTP/2, compression, access log, and the handlers that count
 * connections and requests and enforce the request-header timeout, the request body memory, body timeouts and the
 * pipelining limit ({@link RequestBodyGuard}); each accepted connection allocates through a
 * {@link SheddingAllocator}, so that exhausted direct memory closes connections instead of killing an event loop.
 * <p>
 * It runs after Spring Boot's own server customizer (see {@link HyperlaneServerFactoryCustomizer}), because Reactor
 * Netty rebuilds the decoder settings from scratch on every {@code httpRequestDecoder} call: it starts from the
 * decoder it finds, so Boot's explicit {@code server.netty.*} values and fields Hyperlane does not manage survive.
 * It is deliberately not a {@code NettyServerCustomizer} bean, which Boot would apply a first time ahead of its
 * own settings. A value that a {@code NettyServerCustomizer} bean already set, where Hyperlane would only apply its default,
 * is kept and shown with the source {@code customizer}.
 */
public final class HyperlaneServerTuner {

	private static final Log logger = LogFactory.getLog(HyperlaneServerTuner.class);

	private static final String KEPT = "already set on the HttpServer before Hyperlane's tuning (a NettyServerCustomizer)";

	private final ServerSettings resolved;

	private final TransportResources transport;

	private final ServerStatistics statistics;

	private volatile ServerSettings applied;

	private volatile @Nullable SslContext sslContext;

	private volatile @Nullable RequestBodyMemory requestBodyMemory;

	/**
	 * Create a tuner.
	 * @param settings the resolved settings
	 * @param transport the shared transport resources (allocator)
	 * @param statistics where live figures are counted
	 */
	public HyperlaneServerTuner(ServerSettings settings, TransportResources transport, ServerStatistics statistics) {
		this.resolved = settings;
		this.applied = settings;
		this.transport = transport;
		this.statistics = statistics;
		for (SocketOptionPlan.Skipped skipped : settings.socketPlan().skipped()) {
			logger.warn("hyperlane.server.socket." + skipped.option().propertyName() + "=" + skipped.value()
					+ " is not applied: " + skipped.reason());
		}
	}

	/**
	 * Return the settings as last applied to a server, customizer overrides included.
	 * @return the applied settings
	 */
	public ServerSettings appliedSettings() {
		return this.applied;
	}

	/**
	 * Return the live statistics.
	 * @return the statistics
	 */
	public ServerStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Apply the settings to a server.
	 * @param server the server as configured by Spring Boot and the application's customizers
	 * @return the tuned server
	 */
	public HttpServer apply(HttpServer server) {
		ServerSettings settings = keepCustomized(this.resolved, server.configuration());
		HttpServer tuned = applyTransport(server, settings);
		tuned = applyHttp(tuned, settings);
		tuned = applyCompression(tuned, settings);
		tuned = instrument(tuned, settings);
		this.applied = settings;
		SslProvider ssl = tuned.configuration().sslProvider();
		this.sslContext = (ssl != null) ? ssl.getSslContext() : null;
		return tuned;
	}

	/**
	 * Return the TLS context of the server as last applied, built by Spring Boot from {@code server.ssl.bundle}.
	 * @return the context, or {@code null} when the server does not use TLS
	 */
	public @Nullable SslContext sslContext() {
		return this.sslContext;
	}

	private HttpServer applyTransport(HttpServer server, ServerSettings settings) {
		ByteBufAllocator allocator = this.transport.allocator();
		HttpServer tuned = server.option(ChannelOption.ALLOCATOR, allocator)
			.childOption(ChannelOption.ALLOCATOR, allocator);
		for (SocketOptionPlan.Applied option : settings.socketPlan().applied()) {
			tuned = option.listener() ? tuned.option(option.rawOption(), option.value())
					: tuned.childOption(option.rawOption(), option.value());
		}
		return tuned;
	}

	private HttpServer applyHttp(HttpServer server, ServerSettings settings) {
		HttpRequestDecoderSpec current = server.configuration().decoder();
		DataSize h2cMaxContentLength = settings.h2cMaxContentLength();
		HttpServer tuned = server.httpRequestDecoder((spec) -> {
			spec.maxChunkSize(current.maxChunkSize())
				.allowDuplicateContentLengths(current.allowDuplicateContentLengths())
				.allowPartialChunks(current.allowPartialChunks())
				.h2cMaxContentLength((h2cMaxContentLength != null) ? (int) h2cMaxContentLength.toBytes()
						: current.h2cMaxContentLength())
				.maxInitialLineLength(bytes(settings, ServerSettings.MAX_INITIAL_LINE_LENGTH))
				.maxHeaderSize(bytes(settings, ServerSettings.MAX_HEADER_SIZE))
				.initialBufferSize(bytes(settings, ServerSettings.INITIAL_BUFFER_SIZE))
				.validateHeaders(Boolean.TRUE.equals(settings.get(ServerSettings.VALIDATE_HEADERS)));
			return spec;
		});
		// request bodies are timed by RequestBodyGuard (HTTP/1.1: 408 and a quiet close) and Http2RequestBodyGuard
		// (HTTP/2: 408 and a reset stream); Reactor Netty's own body timeouts raise an error into the application
		tuned = tuned.readTimeout(null).requestTimeout(null);
		if (reactorNettyIdleTimeout(server, settings)) {
			tuned = tuned.idleTimeout(settings.require(ServerSettings.IDLE_TIMEOUT));
		}
		Integer maxKeepAliveRequests = settings.get(ServerSettings.MAX_KEEP_ALIVE_REQUESTS);
		if (maxKeepAliveRequests != null) {
			tuned = tuned.maxKeepAliveRequests(maxKeepAliveRequests);
		}
		if (Boolean.TRUE.equals(settings.get(ServerSettings.HTTP2_ENABLED))) {
			HttpProtocol second = tuned.configuration().isSecure() ? HttpProtocol.H2 : HttpProtocol.H2C;
			Long streams = Objects.requireNonNull(settings.get(ServerSettings.HTTP2_MAX_CONCURRENT_STREAMS));
			// the same header limit as HTTP/1.1: SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 section 6.5.2), which Netty
			// enforces with 431 and would otherwise leave at its 8 KB default
			long headerListSize = bytes(settings, ServerSettings.MAX_HEADER_SIZE);
			tuned = tuned.protocol(HttpProtocol.HTTP11, second)
				.http2Settings((http2) -> http2.maxConcurrentStreams(streams).maxHeaderListSize(headerListSize));
		}
		if (Boolean.TRUE.equals(settings.get(ServerSettings.ACCESS_LOG))) {
			tuned = tuned.accessLog(true);
		}
		return tuned;
	}

	private HttpServer applyCompression(HttpServer server, ServerSettings settings) {
		if (!Boolean.TRUE.equals(settings.get(ServerSettings.COMPRESSION_ENABLED))) {
			return server.compress(false);
		}
		DataSize minResponseSize = Objects.requireNonNull(settings.get(ServerSettings.COMPRESSION_MIN_RESPONSE_SIZE));
		List<String> mimeTypes = Objects.requireNonNull(settings.get(ServerSettings.COMPRESSION_MIME_TYPES));
		List<HttpCompressionOption> options = new ArrayList<>();
		options.add(GzipOption.builder().compressionLevel(level(settings, ServerSettings.COMPRESSION_GZIP_LEVEL)).build());
		options.add(DeflateOption.builder()
			.compressionLevel(level(settings, ServerSettings.COMPRESSION_DEFLATE_LEVEL))
			.build());
		if (Zstd.isAvailable()) {
			options.add(ZstdOption.builder().compressionLevel(level(settings, ServerSettings.COMPRESSION_ZSTD_LEVEL)).build());
		}
		return server.compress((int) minResponseSize.toBytes())
			.compress(new CompressionPolicy(mimeTypes))
			.compressOptions(options.toArray(new HttpCompressionOption[0]));
	}

	private HttpServer instrument(HttpServer server, ServerSettings settings) {
		ServerStatistics statistics = this.statistics;
		SocketOptionPlan plan = settings.socketPlan();
		Duration headerTimeout = Objects.requireNonNull(settings.get(ServerSettings.REQUEST_HEADER_TIMEOUT));
		RequestBodyGuard.Limits bodyLimits = bodyLimits(settings);
		ProtocolGuards guards = ProtocolGuards.of(server.configuration(), headerTimeout);
		boolean http2 = guards.http2();
		statistics.guardsApplied(guards);
		Integer maxConnections = settings.get(ServerSettings.MAX_CONNECTIONS);
		int connectionLimit = (maxConnections != null) ? maxConnections : -1;
		// the header guard applies the idle timeout when Reactor Netty does not (see reactorNettyIdleTimeout)
		@Nullable Duration idleTimeout = (server.configuration().idleTimeout() == null)
				? settings.require(ServerSettings.IDLE_TIMEOUT) : null;
		return server.doOnChannelInit((observer, channel, remoteAddress) -> {
			if (channel instanceof SocketChannel) {
				// max-connections here rather than Reactor Netty's maxConnections, which logs a WARN with a stack
				// trace for each connection it refuses: above the limit a connection is closed before anything is
				// installed or read, counted (connectionsRefused) and logged at DEBUG only
				if (!statistics.admitConnection(connectionLimit)) {
					if (logger.isDebugEnabled()) {
						logger.debug("Connection from " + remoteAddress + " closed on accept: " + connectionLimit
								+ " connections open (hyperlane.server.max-connections)");
					}
					channel.close();
					return;
				}
				statistics.connectionOpened(channel, plan);
				SheddingAllocator.install(channel, statistics);
				RequestBodyGuard.install(channel.pipeline(), bodyLimits, statistics);
				channel.closeFuture().addListener((future) -> statistics.connectionClosed());
				RequestHeaderTimeout.install(channel.pipeline(), headerTimeout, idleTimeout, statistics, http2,
						(codec) -> {
							MalformedRequestResponder.install(codec, statistics);
							// h2c and TLS add their HTTP/1.1 codec after set-up: the body guard follows it there
							RequestBodyGuard.installBehind(codec, bodyLimits, statistics);
						});
				TlsHandshakeGuard.install(channel.pipeline(), statistics);
			}
		}).doOnConnection((connection) -> {
			statistics.increment(ServerStatistics.Count.REQUESTS);
			if (http2) {
				Http2RequestBodyGuard.install(connection, bodyLimits, statistics);
			}
			if (connection instanceof HttpServerRequest request) {
				statistics.callerTimeout(request.requestHeaders().get(CallerDeadlines.HEADER));
			}
		}).doOnBound((bound) -> statistics.listenerBound(bound.channel(), plan));
	}

	/**
	 * Return whether Reactor Netty applies the idle timeout. On HTTP/1.1 alone {@link RequestHeaderTimeout} applies
	 * it with the one timer per connection it already has, instead of the handler Reactor Netty adds after every
	 * response and removes on the next request. Reactor Netty applies it when HTTP/2 is on (its HTTP/2 connections
	 * need it), and when the server already carries one ({@code server.netty.idle-timeout}, a
	 * {@code NettyServerCustomizer}): {@code HttpServer.idleTimeout} takes no {@code null} and its configuration is
	 * read-only, so a value once set can only be replaced, never removed.
	 * @param server the server as Spring Boot and the application's customizers left it
	 * @param settings the settings being applied
	 * @return whether the idle timeout goes to Reactor Netty
	 */
	private static boolean reactorNettyIdleTimeout(HttpServer server, ServerSettings settings) {
		return server.configuration().idleTimeout() != null
				|| Boolean.TRUE.equals(settings.get(ServerSettings.HTTP2_ENABLED));
	}

	private RequestBodyGuard.Limits bodyLimits(ServerSettings settings) {
		DataSize bodyMemory = Objects.requireNonNull(settings.get(ServerSettings.MAX_REQUEST_BODY_MEMORY));
		RequestBodyMemory memory = new RequestBodyMemory(bodyMemory.toBytes());
		this.requestBodyMemory = memory;
		Integer maxPipelined = Objects.requireNonNull(settings.get(ServerSettings.MAX_PIPELINED_REQUESTS));
		return RequestBodyGuard.Limits.of(Objects.requireNonNull(settings.get(ServerSettings.READ_TIMEOUT)),
				Objects.requireNonNull(settings.get(ServerSettings.REQUEST_TIMEOUT)), maxPipelined, memory);
	}

	/**
	 * Return the bytes that request bodies not yet received whole hold now, across all connections.
	 * @return the bytes, 0 before the server started
	 */
	public long requestBodyMemoryUsed() {
		RequestBodyMemory memory = this.requestBodyMemory;
		return (memory != null) ? memory.used() : 0;
	}

	private static ServerSettings keepCustomized(ServerSettings settings, HttpServerConfig config) {
		ServerSettings result = settings;
		result = keep(result, ServerSettings.IDLE_TIMEOUT, config.idleTimeout());
		result = keep(result, ServerSettings.READ_TIMEOUT, config.readTimeout());
		result = keep(result, ServerSettings.REQUEST_TIMEOUT, config.requestTimeout());
		if (config.maxKeepAliveRequests() != -1) {
			result = keep(result, ServerSettings.MAX_KEEP_ALIVE_REQUESTS, config.maxKeepAliveRequests());
		}
		HttpRequestDecoderSpec decoder = config.decoder();
		if (decoder.maxInitialLineLength() != HttpDecoderSpec.DEFAULT_MAX_INITIAL_LINE_LENGTH) {
			result = keep(result, ServerSettings.MAX_INITIAL_LINE_LENGTH,
					DataSize.ofBytes(decoder.maxInitialLineLength()));
		}
		if (decoder.maxHeaderSize() != HttpDecoderSpec.DEFAULT_MAX_HEADER_SIZE) {
			result = keep(result, ServerSettings.MAX_HEADER_SIZE, DataSize.ofBytes(decoder.maxHeaderSize()));
		}
		if (decoder.initialBufferSize() != HttpDecoderSpec.DEFAULT_INITIAL_BUFFER_SIZE) {
			result = keep(result, ServerSettings.INITIAL_BUFFER_SIZE, DataSize.ofBytes(decoder.initialBufferSize()));
		}
		if (decoder.validateHeaders() != HttpDecoderSpec.DEFAULT_VALIDATE_HEADERS) {
			result = keep(result, ServerSettings.VALIDATE_HEADERS, decoder.validateHeaders());
		}
		return result;
	}

	private static <T> ServerSettings keep(ServerSettings settings, Setting<HyperlaneServerProperties, T> property,
			@Nullable T found) {
		EffectiveSetting setting = settings.setting(property);
		if (found == null || setting == null || setting.source() != SettingSource.DEFAULT
				|| found.equals(setting.value())) {
			return settings;
		}
		return settings.override(property, found, KEPT);
	}

	private static int bytes(ServerSettings settings, Setting<HyperlaneServerProperties, DataSize> property) {
		return (int) settings.require(property).toBytes();
	}

	private static int level(ServerSettings settings, Setting<HyperlaneServerProperties, Integer> property) {
		return settings.require(property);
	}

	/**
	 * Return whether brotli compression is available (brotli4j and its native library loaded).
	 * @return {@code true} when br can be offered
	 */
	public static boolean brotliAvailable() {
		return Brotli.isAvailable();
	}

	/**
	 * Return whether zstd compression is available (zstd-jni loaded).
	 * @return {@code true} when zstd can be offered
	 */
	public static boolean zstdAvailable() {
		return Zstd.isAvailable();
	}

}
