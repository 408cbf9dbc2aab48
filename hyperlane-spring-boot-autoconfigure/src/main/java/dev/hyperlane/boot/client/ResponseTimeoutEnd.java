package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.timeout.ReadTimeoutHandler;
import org.jspecify.annotations.Nullable;
import reactor.netty.Connection;
import reactor.netty.NettyPipeline;
import reactor.netty.http.client.HttpClientResponse;

/**
 * Ends the response timeout when the response headers arrive, so that it means "time until the headers".
 * <p>
 * Reactor Netty applies {@code HttpClient.responseTimeout} as a {@link ReadTimeoutHandler} (named
 * {@link NettyPipeline#ResponseTimeoutHandler}) that it adds once the request is sent and keeps until the response
 * ends: it bounds every pause between two reads, so a download or a server-sent-event stream that pauses longer is
 * cut with a {@code ReadTimeoutException}. Run as the client's {@code doOnResponse} callback, on the connection's
 * event loop, this removes that handler, or, when a read idle timeout is set and the response's
 * {@code Content-Type} is not a streaming media type, replaces it with one that bounds each pause of the body by the
 * read idle timeout. The replacement keeps the name, so Reactor Netty's own clean-up removes it when the response
 * ends. Nothing is allocated unless a read idle timeout is set.
 */
final class ResponseTimeoutEnd implements BiConsumer<HttpClientResponse, Connection> {

	private final long readIdleMillis;

	private final StreamingMediaTypes streaming;

	/**
	 * Create the callback.
	 * @param readIdleTimeout the longest pause between two reads of a body, or {@code null} for none
	 * @param streaming the media types the read idle timeout never applies to
	 */
	ResponseTimeoutEnd(@Nullable Duration readIdleTimeout, StreamingMediaTypes streaming) {
		this.readIdleMillis = (readIdleTimeout != null) ? Math.max(1, readIdleTimeout.toMillis()) : 0;
		this.streaming = streaming;
	}

	@Override
	public void accept(HttpClientResponse response, Connection connection) {
		if (this.readIdleMillis > 0
				&& !this.streaming.matches(response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE))) {
			connection.replaceHandler(NettyPipeline.ResponseTimeoutHandler,
					new ReadTimeoutHandler(this.readIdleMillis, TimeUnit.MILLISECONDS));
		}
		else {
			connection.removeHandler(NettyPipeline.ResponseTimeoutHandler);
		}
	}

}
