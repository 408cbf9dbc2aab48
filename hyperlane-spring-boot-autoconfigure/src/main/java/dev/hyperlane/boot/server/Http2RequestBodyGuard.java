package dev.hyperlane.boot.server;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * The HTTP/2 (h2c and h2) counterpart of {@link RequestBodyGuard}, one per stream:
 * <ul>
 * <li><b>Body timeouts.</b> The whole body must arrive within {@code request-timeout} of the request's HEADERS, with
 * no gap longer than {@code read-timeout} between DATA frames; otherwise the stream is answered
 * {@code 408 Request Timeout} (an empty body; nothing if its response has started), what the client still sends
 * on it is dropped, and it is reset with {@code NO_ERROR} (RFC 9113 section 8.1: the response is complete, the
 * client stops sending) once the client has sent nothing for 1 s (or the read timeout if shorter) or its
 * {@code request-timeout} has passed. The connection and its other streams go on. Reactor Netty's own body timeouts raise an error into the application, which WebFlux logs and
 * answers with 500.</li>
 * <li><b>Request body memory.</b> Bytes of bodies not received whole count against the server-wide
 * {@link RequestBodyMemory}. The first {@value ServerCapacity#CONNECTION_WINDOW_BYTES} bytes held by the bodies of
 * one connection (all its streams together) always fit, as one HTTP/1.1 connection's first read does; beyond them a
 * stream whose body would pass the limit gets {@code 503 Service Unavailable} with {@code Retry-After: 1} and is
 * reset in the same way. HTTP/2 flow control (Netty's 65,535-byte initial stream window, which is only opened again once Reactor
 * Netty hands a frame to the application) already bounds one stream to about one window.</li>
 * </ul>
 * Each event is counted with the HTTP/1.1 ones ({@code requestBodyTimeouts}, {@code requestBodiesShed}) and logged
 * at DEBUG only. Installed on each stream as its request arrives, after Reactor Netty's stream bridge, so that it
 * sees the decoded request and body ({@link io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec}) and the
 * application's response.
 */
final class Http2RequestBodyGuard extends ChannelDuplexHandler {

	static final String HANDLER = "hyperlane.http2RequestBodyGuard";

	private static final AttributeKey<ConnectionBodies> CONNECTION_BODIES = AttributeKey
		.valueOf(Http2RequestBodyGuard.class.getName() + ".connectionBodies");

	/** How long a client must have sent nothing before its answered stream is reset: 1 s, or the read timeout. */
	private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(1);

	private static final Log logger = LogFactory.getLog(Http2RequestBodyGuard.class);

	private final RequestBodyGuard.Limits limits;

	private final ServerStatistics statistics;

	private final ConnectionBodies connection;

	private @Nullable ScheduledFuture<?> timer;

	private boolean inBody;

	private boolean responseStarted;

	private boolean answered;

	private long bodyBytes;

	private long bodyStartNanos;

	private long lastReadNanos;

	private Http2RequestBodyGuard(RequestBodyGuard.Limits limits, ServerStatistics statistics,
			ConnectionBodies connection) {
		this.limits = limits;
		this.statistics = statistics;
		this.connection = connection;
	}

	/**
	 * Install the guard on an HTTP/2 stream whose request was just decoded (Reactor Netty's
	 * {@code doOnConnection}); do nothing for an HTTP/1.1 connection.
	 * @param connection the request's connection: an HTTP/2 stream, or an HTTP/1.1 connection
	 * @param limits the limits, shared with HTTP/1.1
	 * @param statistics where events are counted
	 * @return whether the guard was installed
	 */
	static boolean install(Connection connection, RequestBodyGuard.Limits limits, ServerStatistics statistics) {
		Channel stream = connection.channel();
		if (!(stream instanceof Http2StreamChannel) || stream.pipeline().get(NettyPipeline.HttpTrafficHandler) == null
				|| stream.pipeline().get(HANDLER) != null) {
			return false;
		}
		ConnectionBodies bodies = stream.parent().attr(CONNECTION_BODIES).get();
		if (bodies == null) {
			bodies = new ConnectionBodies();
			stream.parent().attr(CONNECTION_BODIES).set(bodies);
		}
		stream.pipeline()
			.addAfter(NettyPipeline.HttpTrafficHandler, HANDLER, new Http2RequestBodyGuard(limits, statistics, bodies));
		return true;
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		if (this.answered) {
			// answered already: what is still on its way is dropped until the client stops or ends its body
			this.lastReadNanos = System.nanoTime();
			ReferenceCountUtil.release(msg);
			return;
		}
		if (msg instanceof HttpRequest && !(msg instanceof LastHttpContent)) {
			// no END_STREAM on the HEADERS frame: a body follows
			this.inBody = true;
			this.bodyStartNanos = System.nanoTime();
			this.lastReadNanos = this.bodyStartNanos;
			schedule(ctx, Math.min(this.limits.readTimeoutNanos(), this.limits.bodyTimeoutNanos()));
		}
		else if (msg instanceof HttpContent content && this.inBody) {
			if (msg instanceof LastHttpContent) {
				bodyComplete();
			}
			else if (!take(content.content().readableBytes())) {
				ReferenceCountUtil.release(msg);
				this.statistics.increment(ServerStatistics.Count.REQUEST_BODIES_SHED);
				answer(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, "request body memory full ("
						+ this.limits.memory().used() + " of " + this.limits.memory().limit() + " bytes)");
				return;
			}
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
		if (msg instanceof HttpResponse response && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
			this.responseStarted = true;
		}
		ctx.write(msg, promise);
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		// the stream closed (its pipeline is torn down then) or the handler was taken out: its bytes go back
		bodyComplete();
	}

	private boolean take(int bytes) {
		this.lastReadNanos = System.nanoTime();
		if (this.connection.bytes + bytes <= ServerCapacity.CONNECTION_WINDOW_BYTES) {
			this.limits.memory().take(bytes);
		}
		else if (!this.limits.memory().tryTake(bytes)) {
			return false;
		}
		this.connection.bytes += bytes;
		this.bodyBytes += bytes;
		return true;
	}

	private void bodyComplete() {
		this.inBody = false;
		this.limits.memory().give(this.bodyBytes);
		this.connection.bytes -= this.bodyBytes;
		this.bodyBytes = 0;
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private void schedule(ChannelHandlerContext ctx, long delayNanos) {
		this.timer = ctx.executor().schedule(() -> check(ctx), Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
	}

	private void check(ChannelHandlerContext ctx) {
		this.timer = null;
		if (!ctx.channel().isActive()) {
			return;
		}
		long now = System.nanoTime();
		if (this.answered) {
			long quietSince = this.lastReadNanos + Math.min(this.limits.readTimeoutNanos(), QUIET_NANOS);
			long deadline = Math.min(quietSince, this.bodyStartNanos + this.limits.bodyTimeoutNanos());
			if (now - deadline < 0) {
				schedule(ctx, deadline - now);
				return;
			}
			ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR)).addListener(ChannelFutureListener.CLOSE);
			return;
		}
		if (!this.inBody) {
			return;
		}
		long deadline = this.limits.deadline(this.bodyStartNanos, this.lastReadNanos);
		if (now - deadline < 0) {
			schedule(ctx, deadline - now);
			return;
		}
		this.statistics.increment(ServerStatistics.Count.REQUEST_BODY_TIMEOUTS);
		answer(ctx, HttpResponseStatus.REQUEST_TIMEOUT, "timed out");
	}

	/**
	 * Answer the stream (unless its response started), written from the stream bridge's context so straight to the
	 * HTTP/2 codec; then drop what the client still sends, and reset the stream with {@code NO_ERROR} once the
	 * client is quiet (frames that arrive for a reset stream make Netty log a line at INFO each) or its
	 * {@code request-timeout} has passed. Reactor Netty's operations learn of it as the stream closes.
	 */
	private void answer(ChannelHandlerContext ctx, HttpResponseStatus status, String why) {
		if (logger.isDebugEnabled()) {
			logger.debug("Request body on HTTP/2 stream " + ctx.channel() + " " + why + " after " + this.bodyBytes
					+ " bytes: " + (this.responseStarted ? "reset" : status.code() + " and reset"));
		}
		this.answered = true;
		bodyComplete();
		if (!this.responseStarted) {
			ChannelHandlerContext bridge = ctx.pipeline().context(NettyPipeline.HttpTrafficHandler);
			FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.EMPTY_BUFFER);
			response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
			if (status == HttpResponseStatus.SERVICE_UNAVAILABLE) {
				response.headers().setInt(HttpHeaderNames.RETRY_AFTER, 1);
			}
			((bridge != null) ? bridge : ctx).writeAndFlush(response);
		}
		check(ctx);
	}

	/** Bytes held by the incomplete bodies of one HTTP/2 connection's streams (all on its event loop). */
	private static final class ConnectionBodies {

		private long bytes;

	}

}
