package dev.hyperlane.boot.server;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The answers the server's HTTP/1.1 guards give a client before they close its connection: an empty response with
 * {@code content-length: 0} and {@code connection: close} ({@code retry-after: 1} too for 503), and the connection
 * closed once it is written. 400, 414 and 431 answer a request that could not be decoded
 * ({@link MalformedRequestResponder}), 408 request headers or a body too slow ({@link RequestHeaderTimeout},
 * {@link RequestBodyGuard}), 503 a body refused for lack of request body memory ({@link RequestBodyGuard}). A guard
 * behind the HTTP/1.1 codec hands the response to the codec ({@link #write}); a guard ahead of it writes the same
 * response as raw bytes ({@link #writeRaw}), since the codec may hold half a request then, and can make the connection
 * drop what the client still sends before the codec decodes it ({@link #dropInput}). The guard counts the event and
 * logs it at DEBUG only, so a client cannot fill the log; a guard that can no longer answer (a response already
 * started, a failed TLS handshake) only closes the connection.
 */
enum ClosingAnswer {

	/** {@code 400 Bad Request}. */
	BAD_REQUEST(HttpResponseStatus.BAD_REQUEST),

	/** {@code 408 Request Timeout}. */
	REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT),

	/** {@code 414 Request-URI Too Long}. */
	URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG),

	/** {@code 431 Request Header Fields Too Large}. */
	HEADER_FIELDS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE),

	/** {@code 503 Service Unavailable}, with {@code retry-after: 1}. */
	SERVICE_UNAVAILABLE(HttpResponseStatus.SERVICE_UNAVAILABLE);

	/** The name of the handler that drops a closing connection's input ahead of its HTTP/1.1 codec. */
	static final String INPUT_SINK = "hyperlane.closingInputSink";

	private static final ChannelHandler SINK = new InputSink();

	private final HttpResponseStatus status;

	private final byte[] raw;

	ClosingAnswer(HttpResponseStatus status) {
		this.status = status;
		StringBuilder text = new StringBuilder("HTTP/1.1 ").append(status).append("\r\n");
		for (Map.Entry<String, String> header : addHeaders(new DefaultHttpHeaders())) {
			text.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
		}
		this.raw = text.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Write the answer from a handler behind the HTTP/1.1 codec, which encodes it; close the connection once it is
	 * written.
	 * @param ctx the handler's context
	 */
	void write(ChannelHandlerContext ctx) {
		FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, this.status);
		addHeaders(response.headers());
		ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
	}

	/**
	 * Write the answer as raw bytes from a handler ahead of the HTTP/1.1 codec; close the connection once it is
	 * written.
	 * @param ctx the handler's context
	 */
	void writeRaw(ChannelHandlerContext ctx) {
		ctx.writeAndFlush(Unpooled.wrappedBuffer(this.raw)).addListener(ChannelFutureListener.CLOSE);
	}

	/**
	 * Make a closing connection drop what its client still sends before the HTTP/1.1 codec decodes it (the rest of a
	 * body, a next request), so that nothing more reaches the application.
	 * @param pipeline the connection's pipeline
	 * @return the context of the handler that drops it, ahead of the codec, where a raw answer is written from; or
	 * {@code null} when the connection has no HTTP/1.1 codec (any more)
	 */
	static @Nullable ChannelHandlerContext dropInput(ChannelPipeline pipeline) {
		ChannelHandlerContext sink = pipeline.context(INPUT_SINK);
		// found by type: on a server that also speaks h2c the codec is not named HttpCodec
		ChannelHandlerContext codec = (sink != null) ? null : pipeline.context(HttpServerCodec.class);
		if (codec != null) {
			pipeline.addBefore(codec.name(), INPUT_SINK, SINK);
			sink = pipeline.context(INPUT_SINK);
		}
		return sink;
	}

	private HttpHeaders addHeaders(HttpHeaders headers) {
		headers.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
		if (this.status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
			headers.setInt(HttpHeaderNames.RETRY_AFTER, 1);
		}
		return headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
	}

	/** Releases every message it reads. */
	@Sharable
	private static final class InputSink extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ReferenceCountUtil.release(msg);
		}

	}

}
