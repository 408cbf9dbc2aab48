package dev.hyperlane.boot.client;

import dev.hyperlane.boot.transport.LazyDeadlineTimer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.ReadTimeoutException;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;

/**
 * The response timeout of an HTTP/1.1 connection, as one handler and one lazy timer for the connection's whole
 * life: a request that has been sent and whose response headers have not arrived within the timeout fails with
 * Netty's {@link ReadTimeoutException} (the exception Reactor Netty's own response timeout raises) and its
 * connection is closed.
 * <p>
 * Reactor Netty applies {@code HttpClient.responseTimeout} by adding a {@link ReadTimeoutHandler} to the pipeline
 * when a request is sent and removing it when the response ends (here, when its headers arrive: see
 * {@link ResponseTimeoutEnd}), which costs two pipeline changes, a handler and a scheduled timer task (added to and
 * then cancelled from the event loop's timer queue) per call. Here the handler is added once, when the connection
 * is opened, and a call only writes its deadline when its request is sent and clears it when its headers arrive.
 * The timer ({@link LazyDeadlineTimer}, as the server's {@code RequestHeaderTimeout} uses for request headers) is
 * not cancelled when headers arrive in time: it fires at most once per timeout, finds the deadline it was set for
 * cleared or moved by later calls, and is set again for the deadline left, if any. Per call that leaves two reads
 * of {@link System#nanoTime()}.
 * <p>
 * Confined to the connection's event loop, where Reactor Netty calls {@link #requestStarting}, {@link #requestSent}
 * and {@link #responseReceived}. A response whose headers arrive before its request was sent whole (an early
 * answer to an upload) leaves no deadline behind. HTTP/2 streams and Spring Boot's
 * {@code spring.http.clients.read-timeout} keep Reactor Netty's handler.
 * <p>
 * A request that carries its own response timeout ({@code HttpClientRequest#responseTimeout}, for example set
 * through {@code WebClient}'s {@code httpRequest}) gets it, longer or shorter than the connection's: Reactor Netty
 * then adds its own {@link ReadTimeoutHandler} (named {@link NettyPipeline#ResponseTimeoutHandler}) right after
 * the request is sent, and this handler, finding it in the pipeline when its timer fires, leaves that request to
 * it. A shorter per-request timeout fails the call first; a longer one is no longer cut at the connection's.
 */
final class ResponseHeaderTimeout extends ChannelInboundHandlerAdapter {

	/** The handler's name in the pipeline. */
	static final String NAME = "hyperlane.responseHeaderTimeout";

	private final long timeoutNanos;

	/** Never set for longer than the timeout: every deadline is a full timeout away when it is set. */
	private final LazyDeadlineTimer timer;

	private @Nullable ChannelHandlerContext context;

	private long deadlineNanos;

	private boolean waiting;

	private boolean answered;

	/**
	 * Create the handler of one connection.
	 * @param timeoutNanos the response timeout, above 0
	 */
	ResponseHeaderTimeout(long timeoutNanos) {
		this.timeoutNanos = Math.max(1, timeoutNanos);
		this.timer = new LazyDeadlineTimer(this.timeoutNanos, this::expire);
	}

	/**
	 * A request is about to be written on the connection: it has no answer yet.
	 * @param connection the connection
	 */
	static void requestStarting(Connection connection) {
		ResponseHeaderTimeout handler = of(connection);
		if (handler != null) {
			handler.answered = false;
		}
	}

	/**
	 * The request was sent whole: its response timeout starts, unless its headers have already arrived.
	 * @param connection the connection
	 */
	static void requestSent(Connection connection) {
		ResponseHeaderTimeout handler = of(connection);
		if (handler != null && !handler.answered) {
			handler.start();
		}
	}

	/**
	 * The response headers arrived: the response timeout ends.
	 * @param connection the connection
	 */
	static void responseReceived(Connection connection) {
		ResponseHeaderTimeout handler = of(connection);
		if (handler != null) {
			handler.answered = true;
			handler.waiting = false;
		}
		// a per-request response timeout (HttpClientRequest#responseTimeout) still comes as Reactor Netty's handler
		connection.removeHandler(NettyPipeline.ResponseTimeoutHandler);
	}

	private static @Nullable ResponseHeaderTimeout of(Connection connection) {
		Channel channel = connection.channel();
		return (channel.pipeline().get(NAME) instanceof ResponseHeaderTimeout handler) ? handler : null;
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		this.timer.cancel();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) throws Exception {
		this.waiting = false;
		this.timer.cancel();
		super.channelInactive(ctx);
	}

	private void start() {
		ChannelHandlerContext ctx = this.context;
		if (ctx == null) {
			return;
		}
		this.deadlineNanos = System.nanoTime() + this.timeoutNanos;
		this.waiting = true;
		this.timer.arm(ctx.executor());
	}

	/** The timer fired: fail the call waiting, if its deadline passed. */
	private long expire(long now) {
		ChannelHandlerContext ctx = this.context;
		if (!this.waiting || ctx == null || !ctx.channel().isActive()) {
			return LazyDeadlineTimer.NONE;
		}
		if (ctx.pipeline().get(NettyPipeline.ResponseTimeoutHandler) != null) {
			// the request waiting carries its own response timeout: Reactor Netty's handler times it
			this.waiting = false;
			return LazyDeadlineTimer.NONE;
		}
		long left = this.deadlineNanos - now;
		if (left > 0) {
			return left;
		}
		this.waiting = false;
		ctx.fireExceptionCaught(ReadTimeoutException.INSTANCE);
		ctx.close();
		return LazyDeadlineTimer.NONE;
	}

}
