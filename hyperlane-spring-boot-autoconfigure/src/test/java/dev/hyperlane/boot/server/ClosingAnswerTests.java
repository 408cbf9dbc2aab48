package dev.hyperlane.boot.server;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.netty.NettyPipeline;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bytes each closing answer puts on the wire, written ahead of the HTTP/1.1 codec and through it, and the
 * connection closed after them; what the client sends after the answer is dropped ahead of the codec.
 */
class ClosingAnswerTests {

	@Test
	void answersAreEmptyResponsesThatCloseTheConnection() {
		assertThat(rawAnswer(ClosingAnswer.REQUEST_TIMEOUT))
			.isEqualTo("HTTP/1.1 408 Request Timeout\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
		assertThat(rawAnswer(ClosingAnswer.SERVICE_UNAVAILABLE)).isEqualTo(
				"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nretry-after: 1\r\nconnection: close\r\n\r\n");
		assertThat(codecAnswer(ClosingAnswer.URI_TOO_LONG))
			.isEqualTo("HTTP/1.1 414 Request-URI Too Long\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
	}

	@ParameterizedTest
	@EnumSource(ClosingAnswer.class)
	void theRawAnswerIsWhatTheCodecWrites(ClosingAnswer answer) {
		assertThat(rawAnswer(answer)).isEqualTo(codecAnswer(answer));
	}

	@Test
	void inputAfterTheAnswerIsDroppedAheadOfTheCodec() {
		EmbeddedChannel channel = new EmbeddedChannel();
		channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
		ChannelHandlerContext sink = ClosingAnswer.dropInput(channel.pipeline());
		assertThat(sink).isNotNull();
		assertThat(ClosingAnswer.dropInput(channel.pipeline())).isSameAs(sink);
		ByteBuf request = channel.alloc().buffer();
		request.writeCharSequence("GET / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII);
		assertThat(channel.writeInbound(request)).isFalse();
		assertThat(request.refCnt()).isZero();
		assertThat(ClosingAnswer.dropInput(new EmbeddedChannel().pipeline())).isNull();
	}

	private static String rawAnswer(ClosingAnswer answer) {
		EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
		answer.writeRaw(channel.pipeline().firstContext());
		return written(channel);
	}

	private static String codecAnswer(ClosingAnswer answer) {
		EmbeddedChannel channel = new EmbeddedChannel(new HttpServerCodec(), new ChannelInboundHandlerAdapter());
		answer.write(channel.pipeline().lastContext());
		return written(channel);
	}

	private static String written(EmbeddedChannel channel) {
		StringBuilder written = new StringBuilder();
		for (ByteBuf buffer = channel.readOutbound(); buffer != null; buffer = channel.readOutbound()) {
			written.append(buffer.toString(StandardCharsets.US_ASCII));
			buffer.release();
		}
		assertThat(channel.isOpen()).as("closed after the answer").isFalse();
		return written.toString();
	}

}
