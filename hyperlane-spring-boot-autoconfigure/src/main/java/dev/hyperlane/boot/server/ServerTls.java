package dev.hyperlane.boot.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import org.jspecify.annotations.Nullable;

/**
 * What the running server's TLS looks like, read back from the {@link SslContext} that Spring Boot built from its
 * SSL bundle ({@code server.ssl.bundle}): the provider (OpenSSL through netty-tcnative when it is on the class path,
 * the JDK's otherwise, a choice Reactor Netty makes), the ALPN protocols on offer ({@code h2} once HTTP/2 is on), and
 * the session cache that lets returning clients resume a session instead of a full handshake, and the handshakes that
 * failed ({@link TlsHandshakeGuard}).
 */
final class ServerTls {

	private ServerTls() {
	}

	static Map<String, Object> describe(@Nullable SslContext context, long handshakeFailures) {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("enabled", context != null);
		description.put("openSslAvailable", OpenSsl.isAvailable());
		if (OpenSsl.isAvailable()) {
			description.put("openSslVersion", OpenSsl.versionString());
		}
		else if (OpenSsl.unavailabilityCause() != null) {
			description.put("openSslUnavailable", String.valueOf(OpenSsl.unavailabilityCause().getMessage()));
		}
		if (context == null) {
			return description;
		}
		boolean openSsl = context instanceof ReferenceCountedOpenSslContext;
		description.put("provider", openSsl ? "openssl" : "jdk");
		description.put("providerReason", openSsl ? "netty-tcnative is on the class path: OpenSSL (BoringSSL) handshakes"
				: "netty-tcnative is not on the class path (or cannot load): the JDK's TLS provider");
		List<String> alpn = (context.applicationProtocolNegotiator() != null)
				? context.applicationProtocolNegotiator().protocols() : List.of();
		description.put("applicationProtocols", alpn);
		description.put("sessionCacheSize", context.sessionCacheSize());
		description.put("sessionTimeoutSeconds", context.sessionTimeout());
		description.put("handshakeFailures", handshakeFailures);
		return description;
	}

}
