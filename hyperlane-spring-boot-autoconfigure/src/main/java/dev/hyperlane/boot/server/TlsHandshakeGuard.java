package dev.hyperlane.boot.server;

import javax.net.ssl.SSLException;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.NettyPipeline;

/**
 * Ends a connection whose TLS handshake failed (plain HTTP sent to the TLS port, a client that does not trust the
 * certificate, a missing client certificate under {@code client-auth: need}, a scanner's garbage) quietly: it counts
 * the failure ({@code tls.handshakeFailures} in the server section), logs it at DEBUG (logger
 * {@code dev.hyperlane.boot.server.TlsHandshakeGuard}) and closes the connection. Without it, with HTTP/2 on, Netty's
 * ALPN handler logs two WARN lines with a stack trace for every such connection, which any client can repeat at will.
 * Sits right behind Reactor Netty's {@code SslHandler} until the handshake completes; after a successful one it leaves
 * the pipeline.
 */
final class TlsHandshakeGuard extends ChannelDuplexHandler {

	static final String NAME = "hyperlane.tlsHandshakeGuard";

	private static final Log logger = LogFactory.getLog(TlsHandshakeGuard.class);

	private final ServerStatistics statistics;

	private boolean failed;

	private TlsHandshakeGuard(ServerStatistics statistics) {
		this.statistics = statistics;
	}

	/**
	 * Install the guard behind the connection's {@code SslHandler}; without TLS do nothing.
	 * @param pipeline the connection's pipeline
	 * @param statistics where failed handshakes are counted
	 * @return whether the guard was installed
	 */
	static boolean install(ChannelPipeline pipeline, ServerStatistics statistics) {
		if (pipeline.get(NettyPipeline.SslHandler) == null) {
			return false;
		}
		pipeline.addAfter(NettyPipeline.SslHandler, NAME, new TlsHandshakeGuard(statistics));
		return true;
	}

	@Override
	public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
		if (evt instanceof SslHandshakeCompletionEvent completion) {
			if (!completion.isSuccess()) {
				fail(ctx, completion.cause());
				return;
			}
			ctx.pipeline().remove(this);
		}
		super.userEventTriggered(ctx, evt);
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
		if (this.failed || isTls(cause)) {
			fail(ctx, cause);
			return;
		}
		super.exceptionCaught(ctx, cause);
	}

	private void fail(ChannelHandlerContext ctx, Throwable cause) {
		if (!this.failed) {
			this.failed = true;
			this.statistics.tlsHandshakeFailed();
			if (logger.isDebugEnabled()) {
				logger.debug("TLS handshake with " + ctx.channel().remoteAddress() + " failed: " + cause);
			}
		}
		ctx.close();
	}

	private static boolean isTls(Throwable cause) {
		return cause instanceof SSLException
				|| (cause instanceof DecoderException && cause.getCause() instanceof SSLException);
	}

}
