package dev.hyperlane.boot.server;

import io.netty.channel.Channel;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamChannel;
import reactor.netty.Connection;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;

/**
 * Tells whether a request's body is still to arrive when its headers reach the application. HTTP/1.1 (RFC 9112,
 * section 6.3): a request has a body only with {@code Content-Length} above 0 or a {@code Transfer-Encoding}.
 * HTTP/2 (RFC 9113, section 8.1): a request whose HEADERS frame ended the stream has no body, whatever its headers
 * say; Netty records that as the stream being half-closed by the client.
 */
final class RequestBodies {

	private RequestBodies() {
	}

	/**
	 * Return whether the request's body may still be arriving.
	 * @param request the request as the application sees it
	 * @return {@code true} when bytes of the body may still be on their way
	 */
	static boolean pending(ServerHttpRequest request) {
		Object nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
		if (nativeRequest instanceof Connection connection) {
			Channel channel = connection.channel();
			if (channel instanceof Http2StreamChannel stream) {
				return stream.stream().state() == Http2Stream.State.OPEN;
			}
		}
		HttpHeaders headers = request.getHeaders();
		return headers.getContentLength() > 0 || headers.containsHeader(HttpHeaders.TRANSFER_ENCODING);
	}

}
