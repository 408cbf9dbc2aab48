package dev.hyperlane.boot.server;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Answers an HTTP/1.1 request whose line, headers or body could not be decoded, before Reactor Netty sees it: 414 for
 * a request line above the limit, 431 for a header block above it, 400 for anything else malformed (an invalid chunk
 * size in a body included), each with {@code Connection: close}, and the connection closed ({@link ClosingAnswer}).
 * The statuses are the ones Reactor Netty would send; what changes is the log: Reactor Netty writes one WARN line per
 * malformed request, which lets any client fill the log at will, while this handler counts them
 * ({@code malformedRequests} in the server section) and logs at DEBUG (logger
 * {@code dev.hyperlane.boot.server.MalformedRequestResponder}). A body that turns out malformed after its request went
 * to the application is answered with 400 unless a response was already started (then the connection is only
 * closed); the connection is marked ({@link #answered(Channel)}) so that the application's failed read ends quietly
 * (see {@link AnsweredRequestHandler}), problem details on or off.
 */
final class MalformedRequestResponder extends ChannelDuplexHandler {

	static final String NAME = "hyperlane.malformedRequestResponder";

	private static final Log logger = LogFactory.getLog(MalformedRequestResponder.class);

	private static final AttributeKey<Boolean> ANSWERED = AttributeKey
		.valueOf(MalformedRequestResponder.class.getName() + ".answered");

	private final ServerStatistics statistics;

	private boolean answered;

	private boolean responding;

	private MalformedRequestResponder(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	/**
	 * Install the responder right behind an HTTP/1.1 codec (Reactor Netty's, or the one of its h2c upgrade handler).
	 * @param codec the context of the connection's {@code HttpServerCodec}
	 * @param statistics where malformed requests are counted
	 */
	static void install(ChannelHandlerContext codec, ServerStatistics statistics) {
		codec.pipeline().addAfter(codec.name(), NAME, new MalformedRequestResponder(statistics));
	}

	/**
	 * Return whether the responder answered a malformed request on a connection itself.
	 * @param channel the connection
	 * @return {@code true} once a malformed request or body was answered (or the connection closed for it)
	 */
	static boolean answered(Channel channel) {
		return Boolean.TRUE.equals(channel.attr(ANSWERED).get());
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.answered) {
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
			Throwable cause = object.decoderResult().cause();
			ReferenceCountUtil.release(msg);
			this.answered = true;
			ctx.channel().attr(ANSWERED).set(true);
			this.statistics.increment(ServerStatistics.Count.MALFORMED_REQUESTS);
			if (logger.isDebugEnabled()) {
				logger.debug("Malformed request from " + ctx.channel().remoteAddress() + ": " + cause);
			}
			if (this.responding) {
				ctx.close();
				return;
			}
			answer(cause).write(ctx);
			return;
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse) {
			this.responding = true;
		}
		if (msg instanceof LastHttpContent) {
			this.responding = false;
		}
		if (this.answered) {
			// the application answers a request whose body was malformed: the connection is closing
			ReferenceCountUtil.release(msg);
			promise.setSuccess();
			return;
		}
		ctx.write(msg, promise);
	}

	private static ClosingAnswer answer(Throwable cause) {
		if (cause instanceof TooLongHttpLineException) {
			return ClosingAnswer.URI_TOO_LONG;
		}
		if (cause instanceof TooLongHttpHeaderException) {
			return ClosingAnswer.HEADER_FIELDS_TOO_LARGE;
		}
		return ClosingAnswer.BAD_REQUEST;
	}

}
