package dev.hyperlane.boot.server;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.NettyPipeline;

/**
 * Answers an HTTP/1.1 request whose line or headers could not be decoded, before Reactor Netty sees it: 414 for a
 * request line above the limit, 431 for a header block above it, 400 for anything else malformed, each with
 * {@code Connection: close}, and the connection closed. The statuses are the ones Reactor Netty would send; what
 * changes is the log: Reactor Netty writes one WARN line per malformed request, which lets any client fill the log
 * at will, while this handler counts them ({@code malformedRequests} in the server section) and logs at DEBUG
 * (logger {@code dev.hyperlane.boot.server.MalformedRequestResponder}). A body that turns out malformed after the
 * headers were accepted is left to Reactor Netty (see {@link AnsweredRequestFilter}).
 */
final class MalformedRequestResponder extends ChannelInboundHandlerAdapter {

	static final String NAME = "hyperlane.malformedRequestResponder";

	private static final Log logger = LogFactory.getLog(MalformedRequestResponder.class);

	private final ServerStatistics statistics;

	private boolean answered;

	private MalformedRequestResponder(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	/**
	 * Install the responder right behind Reactor Netty's HTTP/1.1 codec; without that codec (HTTP/2 prior knowledge,
	 * TLS before ALPN) do nothing.
	 * @param pipeline the connection's pipeline
	 * @param statistics where malformed requests are counted
	 * @return whether the responder was installed
	 */
	static boolean install(ChannelPipeline pipeline, ServerStatistics statistics) {
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return false;
		}
		pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new MalformedRequestResponder(statistics));
		return true;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.answered) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest request && request.decoderResult().isFailure()) {
			Throwable cause = request.decoderResult().cause();
			ReferenceCountUtil.release(msg);
			this.answered = true;
			this.statistics.malformedRequest();
			if (logger.isDebugEnabled()) {
				logger.debug("Malformed request from " + ctx.channel().remoteAddress() + ": " + cause);
			}
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(cause));
			response.headers()
				.set(HttpHeaderNames.CONTENT_LENGTH, 0)
				.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
			ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	private static HttpResponseStatus status(Throwable cause) {
		if (cause instanceof TooLongHttpLineException) {
			return HttpResponseStatus.REQUEST_URI_TOO_LONG;
		}
		if (cause instanceof TooLongHttpHeaderException) {
			return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
		}
		return HttpResponseStatus.BAD_REQUEST;
	}

}
