package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.hyperlane.boot.transport.LazyDeadlineTimer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2ConnectionHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;

/**
 * Closes a connection whose request line and headers do not arrive whole within the timeout, counted from their
 * first byte. Reactor Netty's own timeouts do not cover this: its idle timeout restarts on every byte and its read
 * and request timeouts start after the headers, so a client that trickles one header byte at a time (slowloris)
 * holds a connection for as long as it likes.
 * <p>
 * It holds on every protocol the server speaks. HTTP/1.1 (cleartext, over TLS, and before an h2c upgrade): the
 * request line and headers, answered with {@code 408 Request Timeout}. HTTP/2 (h2c with prior knowledge or after an
 * upgrade, h2 over TLS): the connection preface, every frame header, every frame but a DATA frame's payload, and
 * every header block (a HEADERS frame with its CONTINUATION frames), followed by {@link Http2FrameScanner}; the
 * connection is closed. A request body is left to the read and request timeouts on both.
 * <p>
 * One handler sits ahead of the protocol codecs (behind TLS, so it sees plain bytes): it starts the timer and, on a
 * connection's first bytes, finds out the protocol from the pipeline (after ALPN on TLS) and from the bytes (the
 * HTTP/2 preface on cleartext). On HTTP/1.1 a second handler behind the codec sees the decoded request (stops the
 * timer) and the end of its response, and the HTTP/1.1 guards that need the codec are installed next to it. The
 * first bytes after the codec has gone (an h2c upgrade, a WebSocket) or an HTTP/2 preface take every HTTP/1.1 guard
 * out of the pipeline: this one's, {@link MalformedRequestResponder} and {@link RequestBodyGuard}.
 * <p>
 * On HTTP/1.1 the handler also applies the server's idle timeout when it is given one (HTTP/2 off): a connection
 * with no request in progress (none yet, or its last response written and no byte of the next request received) is
 * closed once it has been idle that long, as Reactor Netty's {@code idleTimeout} does. Reactor Netty adds an
 * {@code IdleTimeoutHandler} to the pipeline after every response and removes it on the next request, which costs a
 * pipeline change, a handler and a timer task per request; here both timeouts share one {@link LazyDeadlineTimer}
 * per connection that is not cancelled when a request arrives in time: it fires at most every
 * {@code min(header timeout, idle timeout)}, finds the deadline it was set for moved or gone, and is set again for
 * the nearest deadline left. Per request that leaves two reads of {@link System#nanoTime()}.
 */
final class RequestHeaderTimeout {

	static final String RAW_HANDLER = "hyperlane.requestHeaderTimeout.raw";

	static final String DECODED_HANDLER = "hyperlane.requestHeaderTimeout.decoded";

	/** The protocol name HTTP/1.1 connections are counted under. */
	static final String HTTP_1_1 = "http/1.1";

	/** The protocol name HTTP/2 connections over TLS are counted under. */
	static final String H2 = "h2";

	/** The protocol name cleartext HTTP/2 connections (prior knowledge or upgrade) are counted under. */
	static final String H2C = "h2c";

	/**
	 * The handlers that serve HTTP/1.1 only, this class's and the other guards', removed when a connection leaves
	 * HTTP/1.1 (an h2c upgrade, HTTP/2 with prior knowledge, a WebSocket).
	 */
	private static final List<String> HTTP1_HANDLERS = List.of(DECODED_HANDLER, MalformedRequestResponder.NAME,
			RequestBodyGuard.HANDLER);

	private enum Mode {

		/** No byte yet. */
		UNDECIDED,
		/** Cleartext with h2c on: the first bytes tell HTTP/2 prior knowledge from HTTP/1.1. */
		DETECT,
		/** HTTP/1.1 behind its codec. */
		HTTP_1_1,
		/** HTTP/2 frames (the preface first). */
		HTTP_2,
		/** Neither (a WebSocket after its upgrade, or no codec this class knows). */
		UNGUARDED

	}

	private final long timeoutNanos;

	private final ServerStatistics statistics;

	private final boolean http2;

	private final boolean secure;

	private final Consumer<ChannelHandlerContext> http1Guards;

	private @Nullable ChannelHandlerContext rawContext;

	private @Nullable ChannelHandlerContext http1Codec;

	private Http2FrameScanner frames = new Http2FrameScanner();

	private Mode mode = Mode.UNDECIDED;

	private @Nullable ScheduledFuture<?> timer;

	/** 0 when Reactor Netty applies the idle timeout (HTTP/2 on), else the idle timeout. */
	private final long idleNanos;

	/** The HTTP/1.1 timer of both deadlines, never set for longer than the shorter timeout. */
	private final LazyDeadlineTimer http1Timer;

	private boolean headerPending;

	private long headerDeadline;

	private boolean idlePending;

	private long idleDeadline;

	private boolean readingBody;

	private int responsesPending;

	private boolean expired;

	private RequestHeaderTimeout(Duration timeout, @Nullable Duration idleTimeout, ServerStatistics statistics,
			boolean http2, boolean secure, Consumer<ChannelHandlerContext> http1Guards) {
		this.timeoutNanos = timeout.toNanos();
		this.idleNanos = (idleTimeout != null) ? idleTimeout.toNanos() : 0;
		this.http1Timer = new LazyDeadlineTimer(
				(this.idleNanos > 0) ? Math.min(this.timeoutNanos, this.idleNanos) : this.timeoutNanos,
				this::http1Expire);
		this.statistics = statistics;
		this.http2 = http2;
		this.secure = secure;
		this.http1Guards = http1Guards;
	}

	/**
	 * Install the timeout on a connection: behind Reactor Netty's {@code SslHandler} on TLS, else ahead of its h2c
	 * upgrade handler or its protocol codec.
	 * @param pipeline the connection's pipeline, as Reactor Netty's channel initializer left it
	 * @param timeout the time allowed for a request's line and headers (HTTP/1.1), or for a preface, frame or header
	 * block (HTTP/2)
	 * @param idleTimeout how long an HTTP/1.1 connection may wait for its next request, or {@code null} when Reactor
	 * Netty applies the idle timeout (HTTP/2 on, or one set before Hyperlane's tuning)
	 * @param statistics where timeouts and guarded connections are counted
	 * @param http2 whether the server speaks HTTP/2 on this connection (h2c or h2)
	 * @param http1Guards installs the other HTTP/1.1 guards, given the HTTP/1.1 codec's context
	 * @return whether the timeout was installed
	 */
	static boolean install(ChannelPipeline pipeline, Duration timeout, @Nullable Duration idleTimeout,
			ServerStatistics statistics, boolean http2, Consumer<ChannelHandlerContext> http1Guards) {
		boolean secure = pipeline.get(NettyPipeline.SslHandler) != null;
		Raw raw = new RequestHeaderTimeout(timeout, idleTimeout, statistics, http2, secure, http1Guards).new Raw();
		if (secure) {
			pipeline.addAfter(NettyPipeline.SslHandler, RAW_HANDLER, raw);
		}
		else if (pipeline.get(NettyPipeline.H2CUpgradeHandler) != null) {
			pipeline.addBefore(NettyPipeline.H2CUpgradeHandler, RAW_HANDLER, raw);
		}
		else if (pipeline.get(NettyPipeline.HttpCodec) != null) {
			pipeline.addBefore(NettyPipeline.HttpCodec, RAW_HANDLER, raw);
		}
		else {
			return false;
		}
		return true;
	}

	private void received(ChannelHandlerContext ctx, ByteBuf buffer) {
		if (this.mode == Mode.UNDECIDED) {
			decide(ctx.pipeline());
		}
		if (this.mode == Mode.HTTP_1_1 && this.http1Codec != null && this.http1Codec.isRemoved()) {
			// the HTTP/1.1 codec is gone: an h2c upgrade, whose preface comes next, or a WebSocket
			stopTimer();
			this.headerPending = false;
			this.idlePending = false;
			removeHttp1Guards(ctx.pipeline());
			this.http1Codec = null;
			if (ctx.pipeline().get(Http2ConnectionHandler.class) != null) {
				this.mode = Mode.HTTP_2;
				this.frames = new Http2FrameScanner();
				this.statistics.guardedConnection(H2C);
			}
			else {
				this.mode = Mode.UNGUARDED;
			}
		}
		switch (this.mode) {
			case DETECT -> {
				this.frames.scan(buffer);
				if (this.frames.notPreface()) {
					this.mode = Mode.HTTP_1_1;
					this.statistics.guardedConnection(HTTP_1_1);
					startTimer(ctx);
				}
				else {
					if (this.frames.prefaceReceived()) {
						this.mode = Mode.HTTP_2;
						removeHttp1Guards(ctx.pipeline());
						this.statistics.guardedConnection(H2C);
					}
					updateHttp2Timer(ctx);
				}
			}
			case HTTP_2 -> {
				this.frames.scan(buffer);
				if (this.frames.notPreface()) {
					stopTimer();
					this.mode = Mode.UNGUARDED;
				}
				else {
					updateHttp2Timer(ctx);
				}
			}
			case HTTP_1_1 -> startTimer(ctx);
			default -> {
			}
		}
	}

	private void decide(ChannelPipeline pipeline) {
		ChannelHandlerContext codec = pipeline.context(HttpServerCodec.class);
		if (codec != null) {
			this.http1Codec = codec;
			pipeline.addAfter(codec.name(), DECODED_HANDLER, new Decoded());
			this.http1Guards.accept(codec);
			if (this.http2 && !this.secure) {
				this.mode = Mode.DETECT;
			}
			else {
				this.mode = Mode.HTTP_1_1;
				this.statistics.guardedConnection(HTTP_1_1);
			}
		}
		else if (pipeline.get(Http2ConnectionHandler.class) != null) {
			this.mode = Mode.HTTP_2;
			this.statistics.guardedConnection(this.secure ? H2 : H2C);
		}
		else {
			this.mode = Mode.UNGUARDED;
		}
	}

	private static void removeHttp1Guards(ChannelPipeline pipeline) {
		for (String name : HTTP1_HANDLERS) {
			if (pipeline.get(name) != null) {
				pipeline.remove(name);
			}
		}
	}

	/** Bytes of a request arrived on HTTP/1.1: the connection is no longer idle, and its header deadline starts. */
	private void startTimer(ChannelHandlerContext ctx) {
		this.idlePending = false;
		if (!this.headerPending && !this.readingBody) {
			long now = System.nanoTime();
			this.headerPending = true;
			this.headerDeadline = now + this.timeoutNanos;
			this.http1Timer.arm(ctx.executor());
		}
	}

	/** No request in progress on HTTP/1.1: the idle deadline starts, when this handler applies the idle timeout. */
	private void startIdle(ChannelHandlerContext ctx) {
		if (this.idleNanos > 0 && !this.idlePending) {
			this.idlePending = true;
			this.idleDeadline = System.nanoTime() + this.idleNanos;
			this.http1Timer.arm(ctx.executor());
		}
	}

	/** The HTTP/1.1 timer fired: time out the request headers or close the idle connection, if due. */
	private long http1Expire(long now) {
		ChannelHandlerContext ctx = this.rawContext;
		if (ctx == null || !ctx.channel().isActive()) {
			return LazyDeadlineTimer.NONE;
		}
		if (this.headerPending && now - this.headerDeadline >= 0) {
			if (this.responsesPending > 0) {
				// the previous response is still being written: check again once it had time to finish
				this.headerDeadline = now + this.timeoutNanos;
			}
			else {
				this.headerPending = false;
				this.statistics.increment(ServerStatistics.Count.REQUEST_HEADER_TIMEOUTS);
				// the partial request the codec holds is dropped, so closing does not log a decoding failure
				this.expired = true;
				ClosingAnswer.REQUEST_TIMEOUT.writeRaw(ctx);
				return LazyDeadlineTimer.NONE;
			}
		}
		if (this.idlePending && now - this.idleDeadline >= 0) {
			this.idlePending = false;
			ctx.channel().close();
			return LazyDeadlineTimer.NONE;
		}
		long next = Long.MAX_VALUE;
		if (this.headerPending) {
			next = this.headerDeadline - now;
		}
		if (this.idlePending) {
			next = Math.min(next, this.idleDeadline - now);
		}
		return (next != Long.MAX_VALUE) ? next : LazyDeadlineTimer.NONE;
	}

	private void updateHttp2Timer(ChannelHandlerContext ctx) {
		if (!this.frames.midHeaders()) {
			stopTimer();
		}
		else if (this.timer == null) {
			this.timer = ctx.executor().schedule(this::expired, this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
	}

	private void stopTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private void stopHttp1Timer() {
		this.headerPending = false;
		this.idlePending = false;
		this.http1Timer.cancel();
	}

	/** The HTTP/2 timer fired (also while h2c is being detected): a frame or header block came too slowly. */
	private void expired() {
		this.timer = null;
		ChannelHandlerContext ctx = this.rawContext;
		if (ctx == null || !ctx.channel().isActive()) {
			return;
		}
		if ((this.mode == Mode.HTTP_2 || this.mode == Mode.DETECT) && this.frames.midHeaders()) {
			this.statistics.increment(ServerStatistics.Count.REQUEST_HEADER_TIMEOUTS);
			ctx.close();
		}
	}

	private final class Raw extends ChannelInboundHandlerAdapter {

		@Override
		public void handlerAdded(ChannelHandlerContext ctx) {
			RequestHeaderTimeout.this.rawContext = ctx;
		}

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
				received(ctx, buffer);
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void channelActive(ChannelHandlerContext ctx) {
			// a new connection waits for its first request
			startIdle(ctx);
			ctx.fireChannelActive();
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			stopTimer();
			stopHttp1Timer();
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
				// the head arrived in time: the timer is left to find its deadline gone
				RequestHeaderTimeout.this.headerPending = false;
				RequestHeaderTimeout.this.readingBody = true;
				RequestHeaderTimeout.this.responsesPending++;
			}
			if (msg instanceof LastHttpContent) {
				RequestHeaderTimeout.this.readingBody = false;
				if (RequestHeaderTimeout.this.responsesPending == 0) {
					startIdle(ctx);
				}
			}
			ctx.fireChannelRead(msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof LastHttpContent && RequestHeaderTimeout.this.responsesPending > 0) {
				RequestHeaderTimeout.this.responsesPending--;
				if (RequestHeaderTimeout.this.responsesPending == 0 && !RequestHeaderTimeout.this.readingBody) {
					startIdle(ctx);
				}
			}
			ctx.write(msg, promise);
		}

	}

}
