package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.transport.SocketOptionsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Tuning of the Reactor Netty web server. Where Spring Boot has its own property for the same thing
 * ({@code server.netty.*}, {@code server.compression.*}, {@code server.max-http-request-header-size},
 * {@code server.http2.enabled}, {@code spring.http.codecs.max-in-memory-size}) and the application set it, Boot's
 * value wins over Hyperlane's default; a {@code hyperlane.server.*} property the application set wins over both.
 * TLS comes from Spring Boot's {@code server.ssl.bundle}.
 * <p>
 * Bound through the constructor: each default is the component's {@link DefaultValue}, which the IDE metadata shows
 * too; the defaults applied, and where their numbers come from, are the descriptors of {@link ServerSettings}.
 *
 * @param enabled Whether Hyperlane tunes the Reactor Netty web server.
 * @param socket Socket options of the listening socket and of every accepted connection; an unset option keeps the
 * kernel's value unless Hyperlane has a default for it.
 * @param maxInitialLineLength Longest request line (method, URI, version); a longer one gets 414 URI Too Long.
 * Spring Boot property: server.netty.max-initial-line-length.
 * @param maxHeaderSize Largest request header block; a larger one gets 431 Request Header Fields Too Large. Spring
 * Boot property: server.max-http-request-header-size.
 * @param maxInMemorySize Largest body a decoder gathers in memory (JSON, text, form data, a single multipart part); a
 * larger request body gets 413 Content Too Large. Applies to every codec Spring Boot configures, so also to the
 * response bodies a WebClient built from Boot's builder decodes. Spring Boot property:
 * spring.http.codecs.max-in-memory-size.
 * @param initialBufferSize Initial size of the buffer that accumulates a request line or header. Spring Boot
 * property: server.netty.initial-buffer-size.
 * @param validateHeaders Whether to reject request headers with illegal names or values (400). Spring Boot property:
 * server.netty.validate-headers.
 * @param idleTimeout Time a keep-alive connection may wait for its next request before it is closed. Spring Boot
 * property: server.netty.idle-timeout.
 * @param requestHeaderTimeout Time allowed to receive a request's whole line and headers, from their first byte; a
 * client that trickles them (slowloris) gets 408 and is closed.
 * @param readTimeout Longest gap between two reads of a request body; then 408 Request Timeout and the connection is
 * closed.
 * @param requestTimeout Time allowed to receive a whole request body, counted from the request's headers however the
 * bytes trickle in; then 408 Request Timeout and the connection is closed.
 * @param maxRequestBodyMemory Most bytes that request bodies not yet received whole may hold at once, across all
 * connections. The first 64KB of each body always fit; a body that would go past the limit gets 503 Service
 * Unavailable and its connection is closed. Unset derives it from max direct memory (a quarter); 0 turns the limit
 * off.
 * @param maxPipelinedRequests Most responses pending on one HTTP/1.1 connection (pipelined requests) before the
 * server stops reading it until one is written.
 * @param maxKeepAliveRequests Requests served on one HTTP/1.1 connection before the server closes it, so that clients
 * spread again over new instances. Spring Boot property: server.netty.max-keep-alive-requests.
 * @param maxConnections Most connections open at once; further connections are closed on accept. Unset derives it
 * from max direct memory and the file-descriptor limit (shown in the endpoint with its derivation); -1 means no
 * limit.
 * @param accessLog Whether to log every request in Reactor Netty's access log format (logger
 * reactor.netty.http.server.AccessLog).
 * @param http2 HTTP/2: h2c (cleartext, upgrade or prior knowledge) without TLS, h2 through ALPN with TLS.
 * @param compression Response compression.
 * @param concurrencyLimit Adaptive concurrency limit (Netflix concurrency-limits): requests beyond the current limit
 * get 503 Service Unavailable with Retry-After at once instead of queueing.
 */
@ConfigurationProperties("hyperlane.server")
public record HyperlaneServerProperties(@DefaultValue("true") boolean enabled,
		@NestedConfigurationProperty @DefaultValue SocketOptionsProperties socket,
		@DefaultValue("4KB") DataSize maxInitialLineLength, @DefaultValue("16KB") DataSize maxHeaderSize,
		@DefaultValue("1MB") DataSize maxInMemorySize, @DefaultValue("128B") DataSize initialBufferSize,
		@DefaultValue("true") boolean validateHeaders, @DefaultValue("75s") Duration idleTimeout,
		@DefaultValue("20s") Duration requestHeaderTimeout, @DefaultValue("60s") Duration readTimeout,
		@DefaultValue("5m") Duration requestTimeout, @Nullable DataSize maxRequestBodyMemory,
		@DefaultValue("16") int maxPipelinedRequests, @DefaultValue("1000") int maxKeepAliveRequests,
		@Nullable Integer maxConnections, boolean accessLog, @DefaultValue Http2 http2,
		@DefaultValue Compression compression, @DefaultValue ConcurrencyLimit concurrencyLimit) {

	/**
	 * Adaptive concurrency limit (Netflix concurrency-limits): requests beyond the current limit get 503 Service
	 * Unavailable with Retry-After at once instead of queueing.
	 *
	 * @param enabled Whether to limit the requests in progress at once and reject the excess with 503.
	 * @param algorithm Algorithm that moves the limit with the observed latency.
	 * @param initialLimit Limit before the first latency samples arrive; the fixed limit with the fixed algorithm.
	 * @param minLimit Lowest limit the algorithm may choose.
	 * @param maxLimit Highest limit the algorithm may choose.
	 * @param retryAfter Time clients are asked to wait before they retry a rejected request (Retry-After, whole
	 * seconds).
	 * @param bypassPaths Path patterns never limited, so that health checks and the hyperlane endpoint stay reachable
	 * under overload.
	 */
	public record ConcurrencyLimit(boolean enabled, @DefaultValue("gradient2") ConcurrencyLimitAlgorithm algorithm,
			@DefaultValue("100") int initialLimit, @DefaultValue("20") int minLimit,
			@DefaultValue("1000") int maxLimit, @DefaultValue("1s") Duration retryAfter,
			@DefaultValue("/actuator/**") List<String> bypassPaths) {

	}

	/**
	 * HTTP/2: h2c (cleartext, upgrade or prior knowledge) without TLS, h2 through ALPN with TLS.
	 *
	 * @param enabled Whether to accept HTTP/2 besides HTTP/1.1. Spring Boot property: server.http2.enabled.
	 * @param maxConcurrentStreams Most concurrent streams a client may open on one HTTP/2 connection.
	 */
	public record Http2(boolean enabled, @DefaultValue("100") long maxConcurrentStreams) {

	}

	/**
	 * Response compression. The algorithm is the one the client prefers in Accept-Encoding among zstd (with
	 * zstd-jni on the class path), br (with brotli4j), gzip and deflate; already-compressed types and
	 * text/event-stream are never compressed.
	 *
	 * @param enabled Whether to compress responses. Spring Boot property: server.compression.enabled.
	 * @param minResponseSize Smallest response, by Content-Length, that is compressed; a response without
	 * Content-Length is compressed. Spring Boot property: server.compression.min-response-size.
	 * @param mimeTypes Content types to compress. Spring Boot property: server.compression.mime-types.
	 * @param gzipLevel gzip level, 1 (fastest) to 9 (smallest).
	 * @param deflateLevel deflate level, 1 (fastest) to 9 (smallest).
	 * @param zstdLevel zstd level, 1 (fastest) to 22 (smallest).
	 */
	public record Compression(@DefaultValue("true") boolean enabled, @DefaultValue("1KB") DataSize minResponseSize,
			@DefaultValue({ "text/html", "text/plain", "text/css", "text/csv", "text/xml", "text/javascript",
					"application/javascript", "application/json", "application/*+json", "application/x-ndjson",
					"application/xml", "application/*+xml", "image/svg+xml" }) List<String> mimeTypes,
			@DefaultValue("6") int gzipLevel, @DefaultValue("6") int deflateLevel, @DefaultValue("3") int zstdLevel) {

	}

}
