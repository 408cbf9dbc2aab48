package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.netty.NettyPipeline;
import reactor.netty.channel.ChannelOperations;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Bounds what one HTTP/1.1 connection can make the server hold while it receives requests, and ends slow request
 * bodies quietly:
 * <ul>
 * <li><b>Request body memory.</b> Bytes of a body not received whole count against the server-wide
 * {@link RequestBodyMemory}. The first {@value ServerCapacity#CONNECTION_WINDOW_BYTES} bytes of each body always
 * fit; beyond them a body that would pass the limit gets {@code 503 Service Unavailable} with {@code Retry-After: 1}
 * (or, once its response has started, only the close) and its connection is closed. A body that occupies less than
 * half of the buffer it was read into is copied into a buffer of its own size, so that it pins what it weighs. (A
 * body the application has not started to read is not read further: Reactor Netty stops reading until the
 * application asks for more.)</li>
 * <li><b>Body timeouts.</b> The whole body must arrive within {@code request-timeout} of the request's headers, with
 * no gap longer than {@code read-timeout}; otherwise {@code 408 Request Timeout} and the connection is closed. Reactor
 * Netty's own timeouts raise an error into the application, which WebFlux logs and answers with 500.</li>
 * <li><b>Pipelining.</b> Once {@code max-pipelined-requests} responses are pending (written to the socket or not),
 * the connection is not read further until one of them has been written, so a client that sends requests and never
 * reads the responses holds at most that many (plus what one read of 64 KB contained), not the whole heap.</li>
 * <li><b>Reading after a held-back request.</b> Reactor Netty reads an HTTP/1.1 connection on demand and holds back
 * a request that arrives while the previous exchange is still open (a pipelined request, or a keep-alive request
 * read before the previous response's write completed, as when that response was written from another thread). In
 * Reactor Netty before 1.3.8 (Spring Boot 4.0's), when the held-back request is answered at once, within its
 * dispatch (a write completes within the call on epoll and NIO), no further read is requested: the connection's
 * next request is never read and waits for the client's timeout (reactor-netty issue 4361). When a request was
 * held back, once the exchanges have ended this guard requests the read itself if the connection is idle.</li>
 * </ul>
 * Each event is counted in the server section of the endpoint and logged at DEBUG only, so a client cannot fill the
 * log. The guard's handler sits behind the HTTP/1.1 codec: it sees decoded requests and the responses written. The 408
 * and 503 answers are written as raw bytes ahead of the codec, and what arrives after them is dropped there
 * ({@link ClosingAnswer}). The guard leaves the pipeline with the other HTTP/1.1 guards ({@link RequestHeaderTimeout}).
 */
final class RequestBodyGuard {

	static final String HANDLER = "hyperlane.requestBodyGuard";

	private static final Log logger = LogFactory.getLog(RequestBodyGuard.class);

	private final Limits limits;

	private final ServerStatistics statistics;

	private @Nullable ScheduledFuture<?> timer;

	private int pending;

	private boolean responseStarted;

	private boolean inBody;

	private long bodyBytes;

	private long bodyStartNanos;

	private long lastReadNanos;

	private boolean paused;

	private boolean autoReadCleared;

	private boolean readSwallowed;

	private boolean closing;

	/** A request arrived while the previous exchange was still open: Reactor Netty held it back. */
	private boolean heldBack;

	private boolean readCheckScheduled;

	private RequestBodyGuard(Limits limits, ServerStatistics statistics) {
		this.limits = limits;
		this.statistics = statistics;
	}

	/**
	 * Install the guard on a connection whose pipeline has Reactor Netty's HTTP/1.1 codec; otherwise do nothing.
	 * @param pipeline the connection's pipeline
	 * @param limits the limits
	 * @param statistics where events are counted
	 * @return whether the guard was installed
	 */
	static boolean install(ChannelPipeline pipeline, Limits limits, ServerStatistics statistics) {
		if (pipeline.get(NettyPipeline.HttpCodec) == null) {
			return false;
		}
		pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new RequestBodyGuard(limits, statistics).new Decoded());
		return true;
	}

	/**
	 * Install the guard behind an HTTP/1.1 codec that Reactor Netty added after the connection was set up, unless
	 * it is installed already: with HTTP/2 on, the codec sits inside the h2c upgrade handler, or is added after TLS's
	 * protocol negotiation, under names other than {@code HttpCodec}. Placed behind the request-header timeout's
	 * decoded-side handler when there is one, as {@link #install(ChannelPipeline, Limits, ServerStatistics)} places
	 * it on an HTTP/1.1-only connection.
	 * @param codec the HTTP/1.1 codec's context
	 * @param limits the limits
	 * @param statistics where events are counted
	 */
	static void installBehind(ChannelHandlerContext codec, Limits limits, ServerStatistics statistics) {
		ChannelPipeline pipeline = codec.pipeline();
		if (pipeline.get(HANDLER) == null) {
			String after = (pipeline.get(RequestHeaderTimeout.DECODED_HANDLER) != null)
					? RequestHeaderTimeout.DECODED_HANDLER : codec.name();
			pipeline.addAfter(after, HANDLER, new RequestBodyGuard(limits, statistics).new Decoded());
		}
	}

	private void requestReceived(ChannelHandlerContext ctx, boolean complete) {
		this.pending++;
		if (complete) {
			return;
		}
		this.inBody = true;
		this.bodyBytes = 0;
		this.bodyStartNanos = System.nanoTime();
		this.lastReadNanos = this.bodyStartNanos;
		schedule(ctx, Math.min(this.limits.readTimeoutNanos(), this.limits.bodyTimeoutNanos()));
	}

	private boolean take(int bytes) {
		this.lastReadNanos = System.nanoTime();
		if (this.pending == 0) {
			// answered already (413, 404 before reading): Reactor Netty drops the rest of the body as it arrives
			return true;
		}
		long after = this.bodyBytes + bytes;
		if (after <= ServerCapacity.CONNECTION_WINDOW_BYTES) {
			this.limits.memory().take(bytes);
		}
		else if (this.pending > 1 || !this.limits.memory().tryTake(bytes)) {
			// a pipelined request's body waits behind earlier responses: it gets no more than the window either
			return false;
		}
		this.bodyBytes = after;
		return true;
	}

	private void bodyComplete() {
		this.inBody = false;
		this.limits.memory().give(this.bodyBytes);
		this.bodyBytes = 0;
		cancelTimer();
	}

	private void schedule(ChannelHandlerContext ctx, long delayNanos) {
		cancelTimer();
		this.timer = ctx.executor().schedule(() -> check(ctx), Math.max(1, delayNanos), TimeUnit.NANOSECONDS);
	}

	private void cancelTimer() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	private void check(ChannelHandlerContext ctx) {
		this.timer = null;
		if (!this.inBody || this.closing || !ctx.channel().isActive()) {
			return;
		}
		long now = System.nanoTime();
		long deadline = this.limits.deadline(this.bodyStartNanos, this.lastReadNanos);
		if (now - deadline < 0) {
			schedule(ctx, deadline - now);
			return;
		}
		this.statistics.increment(ServerStatistics.Count.REQUEST_BODY_TIMEOUTS);
		if (logger.isDebugEnabled()) {
			logger.debug("Request body from " + ctx.channel().remoteAddress() + " timed out after " + this.bodyBytes
					+ " bytes: 408 and close");
		}
		answerAndClose(ctx, ClosingAnswer.REQUEST_TIMEOUT);
	}

	private void shed(ChannelHandlerContext ctx) {
		this.statistics.increment(ServerStatistics.Count.REQUEST_BODIES_SHED);
		if (logger.isDebugEnabled()) {
			logger.debug("Request body from " + ctx.channel().remoteAddress() + " refused after " + this.bodyBytes
					+ " bytes: request body memory full (" + this.limits.memory().used() + " of "
					+ this.limits.memory().limit() + " bytes): 503 and close");
		}
		answerAndClose(ctx, ClosingAnswer.SERVICE_UNAVAILABLE);
	}

	private void answerAndClose(ChannelHandlerContext ctx, ClosingAnswer answer) {
		this.closing = true;
		bodyComplete();
		ChannelHandlerContext raw = ClosingAnswer.dropInput(ctx.pipeline());
		if (raw != null && this.pending == 1 && !this.responseStarted) {
			answer.writeRaw(raw);
		}
		else {
			ctx.channel().close();
		}
	}

	private void pause(ChannelHandlerContext ctx) {
		this.paused = true;
		this.statistics.increment(ServerStatistics.Count.PIPELINING_PAUSES);
		ChannelConfig config = ctx.channel().config();
		if (config.isAutoRead()) {
			this.autoReadCleared = true;
			config.setAutoRead(false);
		}
	}

	private void responseWritten(ChannelHandlerContext ctx) {
		this.pending = Math.max(0, this.pending - 1);
		if (this.paused && this.pending < this.limits.maxPipelinedRequests() && ctx.channel().isActive()) {
			this.paused = false;
			ChannelConfig config = ctx.channel().config();
			boolean cleared = this.autoReadCleared;
			this.autoReadCleared = false;
			if (cleared && !config.isAutoRead()) {
				// no body is half-read here (reading stopped after a complete request): reading may resume
				config.setAutoRead(true);
			}
			else if (this.readSwallowed || config.isAutoRead()) {
				ctx.read();
			}
			this.readSwallowed = false;
		}
	}

	/**
	 * An exchange ended (Reactor Netty fired its end through the pipeline) after a request was held back: once
	 * Reactor Netty has dispatched what it held (a task it queued as the event passed), make sure the connection
	 * reads on if no exchange is open.
	 */
	private void exchangeEnded(ChannelHandlerContext ctx) {
		if (this.heldBack && !this.readCheckScheduled) {
			this.readCheckScheduled = true;
			ctx.executor().execute(() -> readIfIdle(ctx));
		}
	}

	private void readIfIdle(ChannelHandlerContext ctx) {
		this.readCheckScheduled = false;
		if (this.closing || !ctx.channel().isActive()) {
			this.heldBack = false;
			return;
		}
		if (ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest) {
			// an exchange is open (the held request, or a later one): its end checks again
			return;
		}
		this.heldBack = false;
		if (this.paused) {
			// reading resumes once a pending response is written
			this.readSwallowed = true;
			return;
		}
		ctx.read();
	}

	private static boolean hasBody(HttpRequest request) {
		return HttpUtil.getContentLength(request, -1L) > 0 || HttpUtil.isTransferEncodingChunked(request);
	}

	/**
	 * Copy a body chunk that occupies less than half of the buffer it was read into, so that a body waiting for its
	 * last bytes pins what it weighs rather than the read buffers.
	 */
	private static HttpContent compact(ChannelHandlerContext ctx, HttpContent content) {
		ByteBuf data = content.content();
		ByteBuf parent = data.unwrap();
		int size = data.readableBytes();
		if (parent == null || size == 0 || parent.capacity() < 2 * size) {
			return content;
		}
		ByteBuf copy = ctx.alloc().buffer(size);
		copy.writeBytes(data, data.readerIndex(), size);
		HttpContent replaced = content.replace(copy);
		content.release();
		return replaced;
	}

	private final class Decoded extends ChannelDuplexHandler {

		/**
		 * What a response's last write completing tells the guard, one listener per connection (the handler's
		 * context does not change) instead of one per response.
		 */
		private @Nullable ChannelFutureListener written;

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			RequestBodyGuard guard = RequestBodyGuard.this;
			if (guard.closing) {
				ReferenceCountUtil.release(msg);
				return;
			}
			Object forwarded = msg;
			if (msg instanceof HttpRequest request) {
				guard.requestReceived(ctx, msg instanceof LastHttpContent || !hasBody(request));
				if (ChannelOperations.get(ctx.channel()) instanceof HttpServerRequest) {
					guard.heldBack = true;
				}
			}
			else if (msg instanceof HttpContent content && guard.inBody) {
				if (msg instanceof LastHttpContent) {
					guard.bodyComplete();
				}
				else if (!guard.take(content.content().readableBytes())) {
					ReferenceCountUtil.release(msg);
					guard.shed(ctx);
					return;
				}
				forwarded = compact(ctx, content);
			}
			ctx.fireChannelRead(forwarded);
			if (msg instanceof LastHttpContent && guard.pending >= guard.limits.maxPipelinedRequests()
					&& !guard.paused && !guard.closing) {
				guard.pause(ctx);
			}
		}

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
			ctx.fireUserEventTriggered(evt);
			exchangeEnded(ctx);
		}

		@Override
		public void read(ChannelHandlerContext ctx) {
			if (RequestBodyGuard.this.paused) {
				RequestBodyGuard.this.readSwallowed = true;
				return;
			}
			ctx.read();
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
			if (msg instanceof HttpResponse response
					&& response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
				ctx.write(msg, promise);
				return;
			}
			if (msg instanceof HttpResponse) {
				RequestBodyGuard.this.responseStarted = true;
			}
			if (msg instanceof LastHttpContent) {
				RequestBodyGuard.this.responseStarted = false;
				ChannelFutureListener listener = this.written;
				if (listener == null) {
					listener = (future) -> responseWritten(ctx);
					this.written = listener;
				}
				ChannelPromise written = promise.unvoid();
				written.addListener(listener);
				ctx.write(msg, written);
				return;
			}
			ctx.write(msg, promise);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) {
			bodyComplete();
			ctx.fireChannelInactive();
		}

		@Override
		public void handlerRemoved(ChannelHandlerContext ctx) {
			bodyComplete();
		}

	}

	/**
	 * The limits a connection's guard enforces.
	 *
	 * @param readTimeoutNanos the longest gap between two reads of a body
	 * @param bodyTimeoutNanos the longest time to receive a whole body, from the request's headers
	 * @param maxPipelinedRequests the most responses pending before reading stops
	 * @param memory the server-wide account of body bytes not received whole
	 */
	record Limits(long readTimeoutNanos, long bodyTimeoutNanos, int maxPipelinedRequests, RequestBodyMemory memory) {

		static Limits of(Duration readTimeout, Duration bodyTimeout, int maxPipelinedRequests,
				RequestBodyMemory memory) {
			return new Limits(readTimeout.toNanos(), bodyTimeout.toNanos(), maxPipelinedRequests, memory);
		}

		/**
		 * When a body times out: at the read timeout after its last bytes or the body timeout after its headers.
		 * @param bodyStartNanos {@link System#nanoTime()} at the request's headers
		 * @param lastReadNanos {@link System#nanoTime()} at the body's last bytes
		 * @return the deadline, in {@link System#nanoTime()} terms
		 */
		long deadline(long bodyStartNanos, long lastReadNanos) {
			return Math.min(lastReadNanos + this.readTimeoutNanos, bodyStartNanos + this.bodyTimeoutNanos);
		}

	}

}
