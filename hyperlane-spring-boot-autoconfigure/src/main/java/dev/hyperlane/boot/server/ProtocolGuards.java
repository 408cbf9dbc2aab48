package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.Http2SettingsSpec;
import reactor.netty.http.server.HttpServerConfig;

/**
 * The guards against hostile clients as applied to a server, per protocol it speaks: {@code http/1.1} always, and
 * {@code h2c} (cleartext, prior knowledge and upgrade) or {@code h2} (TLS, ALPN) with HTTP/2 on. Read back from the
 * server's configuration after tuning, so the endpoint shows what runs: the request-header timeout (see
 * {@link RequestHeaderTimeout}) and what it bounds, how malformed requests are answered, the header size limit
 * (the HTTP/1.1 decoder's {@code maxHeaderSize}, HTTP/2's {@code SETTINGS_MAX_HEADER_LIST_SIZE}), and on how many
 * connections the guards were installed.
 *
 * @param protocols the protocols the server speaks, by the names above
 * @param requestHeaderTimeout the request-header timeout
 * @param http1MaxHeaderSize the HTTP/1.1 header block limit in bytes
 * @param http2MaxHeaderListSize the HTTP/2 header list limit in bytes, or {@code null} without HTTP/2
 */
record ProtocolGuards(List<String> protocols, Duration requestHeaderTimeout, int http1MaxHeaderSize,
		@Nullable Long http2MaxHeaderListSize) {

	/** Before a server was tuned. */
	static final ProtocolGuards NONE = new ProtocolGuards(List.of(), Duration.ZERO, 0, null);

	/**
	 * Read the guards back from a tuned server's configuration.
	 * @param config the configuration
	 * @param requestHeaderTimeout the request-header timeout installed on each connection
	 * @return the guards per protocol
	 */
	static ProtocolGuards of(HttpServerConfig config, Duration requestHeaderTimeout) {
		List<HttpProtocol> configured = List.of(config.protocols());
		List<String> protocols = new ArrayList<>();
		if (configured.contains(HttpProtocol.HTTP11)) {
			protocols.add(RequestHeaderTimeout.HTTP_1_1);
		}
		boolean http2 = false;
		if (config.isSecure() && configured.contains(HttpProtocol.H2)) {
			protocols.add(RequestHeaderTimeout.H2);
			http2 = true;
		}
		if (!config.isSecure() && configured.contains(HttpProtocol.H2C)) {
			protocols.add(RequestHeaderTimeout.H2C);
			http2 = true;
		}
		Http2SettingsSpec http2Settings = config.http2SettingsSpec();
		Long headerListSize = (!http2) ? null
				: (http2Settings != null) ? http2Settings.maxHeaderListSize() : Long.valueOf(8192);
		return new ProtocolGuards(List.copyOf(protocols), requestHeaderTimeout, config.decoder().maxHeaderSize(),
				headerListSize);
	}

	/**
	 * Return whether the server speaks HTTP/2 (h2c or h2).
	 * @return {@code true} with HTTP/2 on
	 */
	boolean http2() {
		return this.http2MaxHeaderListSize != null;
	}

	/**
	 * Describe the guards for the endpoint.
	 * @param guardedConnections connections the guards were installed on, by protocol
	 * @return per protocol: request-header timeout, malformed requests, header size limit, guarded connections
	 */
	Map<String, Object> describe(Map<String, Long> guardedConnections) {
		Map<String, Object> description = new LinkedHashMap<>();
		for (String protocol : this.protocols) {
			Map<String, Object> guards = new LinkedHashMap<>();
			boolean http1 = RequestHeaderTimeout.HTTP_1_1.equals(protocol);
			guards.put("requestHeaderTimeout", this.requestHeaderTimeout.toString().substring(2).toLowerCase()
					+ (http1 ? " for a request line and headers, then 408"
							: " for the preface, each frame header, each frame but DATA payloads, each header block;"
									+ " then the connection closes"));
			guards.put("malformedRequests", http1 ? "400, 414 or 431 and close, counted, logged at DEBUG"
					: "Netty's HTTP/2 codec: RST_STREAM or GOAWAY, logged at DEBUG");
			guards.put("maxHeaderSize", http1 ? this.http1MaxHeaderSize + "B (decoder limit, then 431)"
					: this.http2MaxHeaderListSize + "B (SETTINGS_MAX_HEADER_LIST_SIZE, then 431)");
			guards.put("guardedConnections", guardedConnections.getOrDefault(protocol, 0L));
			description.put(protocol, guards);
		}
		return description;
	}

}
