package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.transport.ServerSocketOptionsProperties;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

/**
 * Tuning of the Reactor Netty web server. Where Spring Boot has its own property for the same thing
 * ({@code server.netty.*}, {@code server.compression.*}, {@code server.max-http-request-header-size},
 * {@code server.http2.enabled}, {@code spring.http.codecs.max-in-memory-size}) and the application set it, Boot's
 * value wins over Hyperlane's default; a {@code hyperlane.server.*} property the application set wins over both.
 * TLS comes from Spring Boot's {@code server.ssl.bundle}.
 */
@ConfigurationProperties("hyperlane.server")
public class HyperlaneServerProperties {

	/**
	 * Whether Hyperlane tunes the Reactor Netty web server.
	 */
	private boolean enabled = true;

	/**
	 * Socket options of the listening socket and of every accepted connection; an unset option keeps the kernel's
	 * value unless Hyperlane has a default for it.
	 */
	@NestedConfigurationProperty
	private ServerSocketOptionsProperties socket = new ServerSocketOptionsProperties();

	/**
	 * Longest request line (method, URI, version); a longer one gets 414 URI Too Long. Spring Boot property:
	 * server.netty.max-initial-line-length.
	 */
	private DataSize maxInitialLineLength = DataSize.ofKilobytes(4);

	/**
	 * Largest request header block; a larger one gets 431 Request Header Fields Too Large. Spring Boot property:
	 * server.max-http-request-header-size.
	 */
	private DataSize maxHeaderSize = DataSize.ofKilobytes(16);

	/**
	 * Largest body a decoder gathers in memory (JSON, text, form data, a single multipart part); a larger request
	 * body gets 413 Content Too Large. Applies to every codec Spring Boot configures, so also to the response bodies
	 * a WebClient built from Boot's builder decodes. Spring Boot property: spring.http.codecs.max-in-memory-size.
	 */
	private DataSize maxInMemorySize = DataSize.ofMegabytes(1);

	/**
	 * Initial size of the buffer that accumulates a request line or header. Spring Boot property:
	 * server.netty.initial-buffer-size.
	 */
	private DataSize initialBufferSize = DataSize.ofBytes(128);

	/**
	 * Whether to reject request headers with illegal names or values (400). Spring Boot property:
	 * server.netty.validate-headers.
	 */
	private boolean validateHeaders = true;

	/**
	 * Time a keep-alive connection may wait for its next request before it is closed. Spring Boot property:
	 * server.netty.idle-timeout.
	 */
	private Duration idleTimeout = Duration.ofSeconds(75);

	/**
	 * Time allowed to receive a request's whole line and headers, from their first byte; a client that trickles
	 * them (slowloris) gets 408 and is closed.
	 */
	private Duration requestHeaderTimeout = Duration.ofSeconds(20);

	/**
	 * Longest gap between two reads of a request body; then 408 Request Timeout and the connection is closed.
	 */
	private Duration readTimeout = Duration.ofSeconds(60);

	/**
	 * Time allowed to receive a whole request body, counted from the request's headers however the bytes trickle in;
	 * then 408 Request Timeout and the connection is closed.
	 */
	private Duration requestTimeout = Duration.ofMinutes(5);

	/**
	 * Most bytes that request bodies not yet received whole may hold at once, across all connections. The first 64KB
	 * of each body always fit; a body that would go past the limit gets 503 Service Unavailable and its connection is
	 * closed. Unset derives it from max direct memory (a quarter); 0 turns the limit off.
	 */
	private @Nullable DataSize maxRequestBodyMemory;

	/**
	 * Most responses pending on one HTTP/1.1 connection (pipelined requests) before the server stops reading it
	 * until one is written.
	 */
	private int maxPipelinedRequests = 16;

	/**
	 * Requests served on one HTTP/1.1 connection before the server closes it, so that clients spread again
	 * over new instances. Spring Boot property: server.netty.max-keep-alive-requests.
	 */
	private int maxKeepAliveRequests = 1000;

	/**
	 * Most connections open at once; further connections are closed on accept. Unset derives it from max direct
	 * memory and the file-descriptor limit (shown in the endpoint with its derivation); -1 means no limit.
	 */
	private @Nullable Integer maxConnections;

	/**
	 * Whether to log every request in Reactor Netty's access log format (logger reactor.netty.http.server.AccessLog).
	 */
	private boolean accessLog;

	private final Http2 http2 = new Http2();

	private final Compression compression = new Compression();

	private final ConcurrencyLimit concurrencyLimit = new ConcurrencyLimit();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public ServerSocketOptionsProperties getSocket() {
		return this.socket;
	}

	public void setSocket(ServerSocketOptionsProperties socket) {
		this.socket = socket;
	}

	public DataSize getMaxInitialLineLength() {
		return this.maxInitialLineLength;
	}

	public void setMaxInitialLineLength(DataSize maxInitialLineLength) {
		this.maxInitialLineLength = maxInitialLineLength;
	}

	public DataSize getMaxHeaderSize() {
		return this.maxHeaderSize;
	}

	public void setMaxHeaderSize(DataSize maxHeaderSize) {
		this.maxHeaderSize = maxHeaderSize;
	}

	public DataSize getMaxInMemorySize() {
		return this.maxInMemorySize;
	}

	public void setMaxInMemorySize(DataSize maxInMemorySize) {
		this.maxInMemorySize = maxInMemorySize;
	}

	public DataSize getInitialBufferSize() {
		return this.initialBufferSize;
	}

	public void setInitialBufferSize(DataSize initialBufferSize) {
		this.initialBufferSize = initialBufferSize;
	}

	public boolean isValidateHeaders() {
		return this.validateHeaders;
	}

	public void setValidateHeaders(boolean validateHeaders) {
		this.validateHeaders = validateHeaders;
	}

	public Duration getIdleTimeout() {
		return this.idleTimeout;
	}

	public void setIdleTimeout(Duration idleTimeout) {
		this.idleTimeout = idleTimeout;
	}

	public Duration getRequestHeaderTimeout() {
		return this.requestHeaderTimeout;
	}

	public void setRequestHeaderTimeout(Duration requestHeaderTimeout) {
		this.requestHeaderTimeout = requestHeaderTimeout;
	}

	public Duration getReadTimeout() {
		return this.readTimeout;
	}

	public void setReadTimeout(Duration readTimeout) {
		this.readTimeout = readTimeout;
	}

	public Duration getRequestTimeout() {
		return this.requestTimeout;
	}

	public void setRequestTimeout(Duration requestTimeout) {
		this.requestTimeout = requestTimeout;
	}

	public @Nullable DataSize getMaxRequestBodyMemory() {
		return this.maxRequestBodyMemory;
	}

	public void setMaxRequestBodyMemory(@Nullable DataSize maxRequestBodyMemory) {
		this.maxRequestBodyMemory = maxRequestBodyMemory;
	}

	public int getMaxPipelinedRequests() {
		return this.maxPipelinedRequests;
	}

	public void setMaxPipelinedRequests(int maxPipelinedRequests) {
		this.maxPipelinedRequests = maxPipelinedRequests;
	}

	public int getMaxKeepAliveRequests() {
		return this.maxKeepAliveRequests;
	}

	public void setMaxKeepAliveRequests(int maxKeepAliveRequests) {
		this.maxKeepAliveRequests = maxKeepAliveRequests;
	}

	public @Nullable Integer getMaxConnections() {
		return this.maxConnections;
	}

	public void setMaxConnections(@Nullable Integer maxConnections) {
		this.maxConnections = maxConnections;
	}

	public boolean isAccessLog() {
		return this.accessLog;
	}

	public void setAccessLog(boolean accessLog) {
		this.accessLog = accessLog;
	}

	public Http2 getHttp2() {
		return this.http2;
	}

	public Compression getCompression() {
		return this.compression;
	}

	public ConcurrencyLimit getConcurrencyLimit() {
		return this.concurrencyLimit;
	}

	/**
	 * Adaptive concurrency limit (Netflix concurrency-limits): requests beyond the current limit get 503 Service
	 * Unavailable with Retry-After at once instead of queueing.
	 */
	public static class ConcurrencyLimit {

		/**
		 * Whether to limit the requests in progress at once and reject the excess with 503.
		 */
		private boolean enabled;

		/**
		 * Algorithm that moves the limit with the observed latency.
		 */
		private ConcurrencyLimitAlgorithm algorithm = ConcurrencyLimitAlgorithm.GRADIENT2;

		/**
		 * Limit before the first latency samples arrive; the fixed limit with the fixed algorithm.
		 */
		private int initialLimit = 100;

		/**
		 * Lowest limit the algorithm may choose.
		 */
		private int minLimit = 20;

		/**
		 * Highest limit the algorithm may choose.
		 */
		private int maxLimit = 1000;

		/**
		 * Time clients are asked to wait before they retry a rejected request (Retry-After, whole seconds).
		 */
		private Duration retryAfter = Duration.ofSeconds(1);

		/**
		 * Path patterns never limited, so that health checks and the hyperlane endpoint stay reachable under
		 * overload.
		 */
		private List<String> bypassPaths = new ArrayList<>(List.of("/actuator/**"));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public ConcurrencyLimitAlgorithm getAlgorithm() {
			return this.algorithm;
		}

		public void setAlgorithm(ConcurrencyLimitAlgorithm algorithm) {
			this.algorithm = algorithm;
		}

		public int getInitialLimit() {
			return this.initialLimit;
		}

		public void setInitialLimit(int initialLimit) {
			this.initialLimit = initialLimit;
		}

		public int getMinLimit() {
			return this.minLimit;
		}

		public void setMinLimit(int minLimit) {
			this.minLimit = minLimit;
		}

		public int getMaxLimit() {
			return this.maxLimit;
		}

		public void setMaxLimit(int maxLimit) {
			this.maxLimit = maxLimit;
		}

		public Duration getRetryAfter() {
			return this.retryAfter;
		}

		public void setRetryAfter(Duration retryAfter) {
			this.retryAfter = retryAfter;
		}

		public List<String> getBypassPaths() {
			return this.bypassPaths;
		}

		public void setBypassPaths(List<String> bypassPaths) {
			this.bypassPaths = bypassPaths;
		}

	}

	/**
	 * HTTP/2: h2c (cleartext, upgrade or prior knowledge) without TLS, h2 through ALPN with TLS.
	 */
	public static class Http2 {

		/**
		 * Whether to accept HTTP/2 besides HTTP/1.1. Spring Boot property: server.http2.enabled.
		 */
		private boolean enabled;

		/**
		 * Most concurrent streams a client may open on one HTTP/2 connection.
		 */
		private long maxConcurrentStreams = 100;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public long getMaxConcurrentStreams() {
			return this.maxConcurrentStreams;
		}

		public void setMaxConcurrentStreams(long maxConcurrentStreams) {
			this.maxConcurrentStreams = maxConcurrentStreams;
		}

	}

	/**
	 * Response compression. The algorithm is the one the client prefers in Accept-Encoding among zstd (with
	 * zstd-jni on the class path), br (with brotli4j), gzip and deflate; already-compressed types and
	 * text/event-stream are never compressed.
	 */
	public static class Compression {

		/**
		 * Whether to compress responses. Spring Boot property: server.compression.enabled.
		 */
		private boolean enabled = true;

		/**
		 * Smallest response, by Content-Length, that is compressed; a response without Content-Length is
		 * compressed. Spring Boot property: server.compression.min-response-size.
		 */
		private DataSize minResponseSize = DataSize.ofKilobytes(1);

		/**
		 * Content types to compress. Spring Boot property: server.compression.mime-types.
		 */
		private List<String> mimeTypes = new ArrayList<>(List.of("text/html", "text/plain", "text/css", "text/csv",
				"text/xml", "text/javascript", "application/javascript", "application/json", "application/*+json",
				"application/x-ndjson", "application/xml", "application/*+xml", "image/svg+xml"));

		/**
		 * gzip level, 1 (fastest) to 9 (smallest).
		 */
		private int gzipLevel = 6;

		/**
		 * deflate level, 1 (fastest) to 9 (smallest).
		 */
		private int deflateLevel = 6;

		/**
		 * zstd level, 1 (fastest) to 22 (smallest).
		 */
		private int zstdLevel = 3;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public DataSize getMinResponseSize() {
			return this.minResponseSize;
		}

		public void setMinResponseSize(DataSize minResponseSize) {
			this.minResponseSize = minResponseSize;
		}

		public List<String> getMimeTypes() {
			return this.mimeTypes;
		}

		public void setMimeTypes(List<String> mimeTypes) {
			this.mimeTypes = mimeTypes;
		}

		public int getGzipLevel() {
			return this.gzipLevel;
		}

		public void setGzipLevel(int gzipLevel) {
			this.gzipLevel = gzipLevel;
		}

		public int getDeflateLevel() {
			return this.deflateLevel;
		}

		public void setDeflateLevel(int deflateLevel) {
			this.deflateLevel = deflateLevel;
		}

		public int getZstdLevel() {
			return this.zstdLevel;
		}

		public void setZstdLevel(int zstdLevel) {
			this.zstdLevel = zstdLevel;
		}

	}

}
