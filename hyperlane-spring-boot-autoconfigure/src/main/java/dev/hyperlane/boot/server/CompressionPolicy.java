package dev.hyperlane.boot.server;

import java.util.List;
import java.util.function.BiPredicate;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

import org.springframework.util.InvalidMimeTypeException;
import org.springframework.util.MimeType;
import org.springframework.util.MimeTypeUtils;

/**
 * Decides per response whether Reactor Netty compresses it: its Content-Type must match one of the configured
 * types and must not be an already-compressed or streaming type. Reactor Netty then picks the algorithm from the
 * request's Accept-Encoding (zstd, br, gzip, deflate, by q-value). A response that is not compressed keeps Netty's
 * zero-copy file transfer.
 */
final class CompressionPolicy implements BiPredicate<HttpServerRequest, HttpServerResponse> {

	/**
	 * Types that are never compressed whatever the configuration says: already compressed media and archives,
	 * and server-sent events, whose events must reach the client one by one.
	 */
	static final List<MimeType> NEVER = List.of("image/png", "image/jpeg", "image/gif", "image/webp", "image/avif",
			"video/*", "audio/*", "font/woff", "font/woff2", "application/zip", "application/gzip",
			"application/x-gzip", "application/zstd", "application/x-brotli", "application/octet-stream",
			"application/pdf", "text/event-stream")
		.stream()
		.map(MimeTypeUtils::parseMimeType)
		.toList();

	private final List<MimeType> mimeTypes;

	CompressionPolicy(List<String> mimeTypes) {
		this.mimeTypes = mimeTypes.stream().map(MimeTypeUtils::parseMimeType).toList();
	}

	@Override
	public boolean test(HttpServerRequest request, HttpServerResponse response) {
		String contentType = response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE);
		if (contentType == null || contentType.isEmpty()
				|| response.responseHeaders().contains(HttpHeaderNames.CONTENT_ENCODING)) {
			return false;
		}
		MimeType type;
		try {
			type = MimeTypeUtils.parseMimeType(contentType);
		}
		catch (InvalidMimeTypeException ex) {
			return false;
		}
		if (NEVER.stream().anyMatch((never) -> never.includes(type))) {
			return false;
		}
		return this.mimeTypes.stream().anyMatch((candidate) -> candidate.isCompatibleWith(type));
	}

}
