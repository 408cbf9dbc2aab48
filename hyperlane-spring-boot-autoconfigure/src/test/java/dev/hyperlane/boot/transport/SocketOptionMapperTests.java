package dev.hyperlane.boot.transport;

import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.uring.IoUringChannelOption;
import jdk.net.ExtendedSocketOptions;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SocketOptionMapper}: one vocabulary, each transport's option classes, and nothing dropped
 * silently.
 */
class SocketOptionMapperTests {

	private final Map<SocketOption, Object> values = new EnumMap<>(Map.of(SocketOption.TCP_NO_DELAY, true,
			SocketOption.KEEP_ALIVE_IDLE, Duration.ofSeconds(45), SocketOption.REUSE_PORT, true,
			SocketOption.TCP_FAST_OPEN, 16, SocketOption.RECEIVE_BUFFER_SIZE, DataSize.ofKilobytes(64),
			SocketOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(1024, 4096)));

	@Test
	void keepAliveIdleMapsToEachTransportsOwnOption() {
		assertThat(applied(NioTransport.INSTANCE, SocketOption.KEEP_ALIVE_IDLE).channelOption())
			.isInstanceOf(NioChannelOption.class)
			.hasToString(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE).toString());
		assertThat(applied(EpollTransport.INSTANCE, SocketOption.KEEP_ALIVE_IDLE).channelOption())
			.isEqualTo(EpollChannelOption.TCP_KEEPIDLE);
		assertThat(applied(IoUringTransport.INSTANCE, SocketOption.KEEP_ALIVE_IDLE).channelOption())
			.isEqualTo(IoUringChannelOption.TCP_KEEPIDLE);
		assertThat(applied(NioTransport.INSTANCE, SocketOption.KEEP_ALIVE_IDLE).value()).isEqualTo(45);
	}

	@Test
	void unitsAreConverted() {
		SocketOptionPlan.Applied buffer = applied(NioTransport.INSTANCE, SocketOption.RECEIVE_BUFFER_SIZE);
		assertThat(buffer.channelOption()).isEqualTo(ChannelOption.SO_RCVBUF);
		assertThat(buffer.value()).isEqualTo(65536);
		assertThat(applied(NioTransport.INSTANCE, SocketOption.REUSE_PORT).channelOption())
			.hasToString(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT).toString());
	}

	@Test
	void optionsTheTransportCannotApplyAreReported() {
		SocketOptionPlan plan = new SocketOptionMapper(NioTransport.INSTANCE).map(this.values, true);
		assertThat(plan.skipped()).singleElement().satisfies((skipped) -> {
			assertThat(skipped.option()).isEqualTo(SocketOption.TCP_FAST_OPEN);
			assertThat(skipped.reason()).contains("nio");
		});
	}

	@Test
	void listenerOptionsAreReportedForClients() {
		SocketOptionPlan plan = new SocketOptionMapper(EpollTransport.INSTANCE).map(this.values, false);
		assertThat(plan.skipped()).extracting(SocketOptionPlan.Skipped::option)
			.containsExactlyInAnyOrder(SocketOption.REUSE_PORT, SocketOption.TCP_FAST_OPEN);
		assertThat(plan.applied()).noneMatch(SocketOptionPlan.Applied::listener);
	}

	private SocketOptionPlan.Applied applied(Transport transport, SocketOption option) {
		return new SocketOptionMapper(transport).map(this.values, true)
			.applied()
			.stream()
			.filter((candidate) -> candidate.option() == option)
			.findFirst()
			.orElseThrow();
	}

}
