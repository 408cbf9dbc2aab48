package dev.hyperlane.boot.server;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * Closes an HTTP/1.1 connection whose request line and headers do not arrive whole within the timeout, counted
 * from their first byte, with {@code 408 Request Timeout}. Reactor Netty's own timeouts do not cover this: its
 * idle timeout restarts on every byte and its read and request timeouts start after the headers, so a client that
 * trickles one header byte at a time (slowloris) holds a connection for as long as it likes.
 * <p>
 * Two handlers share one state: one ahead of the HTTP codec sees the first raw byte of a request and starts the
 * timer; one behind it sees the decoded request (stops the timer) and the end of its response.
 */
final class RequestHeaderTimeout {

	static final String RAW_HANDLER = "hyperlane.requestHeaderTimeout.raw";

	static final String DECODED_HANDLER = "hyperlane.requestHeaderTimeout.decoded";

	private static final byte[] RESPONSE = ("HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\n"
			+ "connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

	private final long timeoutNanos;

	private final ServerStatistics statistics;

	private @Nullable ChannelHandlerContext rawContext;

	private @Nullable ScheduledFuture<?> timer;

	private boolean readingBody;

	private int responsesPending;

	private boolean expired;

	private RequestHeaderTimeout(Duration timeout, ServerStatistics statistics) {
		this.timeoutNanos = timeout.toNanos();
		this.statistics = statistics;
	}

	/**
	 * Install the timeout on a connection whose pipeline has Reactor Netty's HTTP/1.1 codec; otherwise (HTTP/2
	 * prior knowledge, TLS before ALPN) do nothing.
	 * @param pipeline the connection's pipeline
	 * @param timeout the time allowed for a request's line and headers
	 * @param statistics where timeouts are counted
	 * @return whether the handlers were installed
	 */
	static boolean install(ChannelPipeline pipeline, Duration timeout, ServerStatistics statistics) {
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return false;
		}
		RequestHeaderTimeout state = new RequestHeaderTimeout(timeout, statistics);
		pipeline.addBefore(NettyPipeline.HttpCodec, RAW_HANDLER, state.new Raw());
		pipeline.addAfter(NettyPipeline.HttpCodec, DECODED_HANDLER, state.new Decoded());
		return true;
	}

	private void startTimer(ChannelHandlerContext ctx) {
		if (ctx.pipeline().get(NettyPipeline.HttpCodec) == null) {
			// upgraded to HTTP/2 (h2c): the HTTP/1.1 codec is gone and so is the need for this timeout
			stopTimer();
			ctx.pipeline().remove(RAW_HANDLER);
			if (ctx.pipeline().get(DECODED_HANDLER) != null) {
				ctx.pipeline().remove(DECODED_HANDLER);
			}
			return;
		}
		if (this.timer == null && !this.readingBody) {
			this.timer = ctx.executor().schedule(this::expired, this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void stopTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private void expired() {
		this.timer = null;
		ChannelHandlerContext ctx = this.rawContext;
		if (ctx == null || !ctx.channel().isActive() || this.readingBody) {
			return;
		}
		if (this.responsesPending > 0) {
			// the previous response is still being written: check again once it had time to finish
			this.timer = ctx.executor().schedule(this::expired, this.timeoutNanos, TimeUnit.NANOSECONDS);
			return;
		}
		this.statistics.requestHeaderTimedOut();
		// the partial request the codec holds is dropped, so closing does not log a decoding failure
		this.expired = true;
		ctx.writeAndFlush(Unpooled.wrappedBuffer(RESPONSE)).addListener(ChannelFutureListener.CLOSE);
	}

	private final class Raw extends ChannelInboundHandlerAdapter {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			RequestHeaderTimeout.this.rawContext = ctx;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
				startTimer(ctx);
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			stopTimer();
			ctx.fireChannelInactive();
		}

	}

	private final class Decoded extends ChannelDuplexHandler {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (RequestHeaderTimeout.this.expired) {
				ReferenceCountUtil.release(msg);
				return;
			}
			if (msg instanceof HttpRequest) {
				stopTimer();
				RequestHeaderTimeout.this.readingBody = true;
				RequestHeaderTimeout.this.responsesPending++;
			}
			if (msg instanceof LastHttpContent) {
				RequestHeaderTimeout.this.readingBody = false;
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof LastHttpContent && RequestHeaderTimeout.this.responsesPending > 0) {
				RequestHeaderTimeout.this.responsesPending--;
			}
			ctx.write(msg, promise);
		}

	}

}
