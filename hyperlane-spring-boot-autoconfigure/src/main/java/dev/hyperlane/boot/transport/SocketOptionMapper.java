package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;

import org.springframework.util.unit.DataSize;

/**
 * Maps socket options of the shared vocabulary to the option classes of one transport. Durations become whole
 * seconds, sizes become bytes, and the two write-buffer water marks become one {@link WriteBufferWaterMark}.
 */
public final class SocketOptionMapper {

	private final Transport transport;

	/**
	 * Create a mapper for the given transport.
	 * @param transport the active transport
	 */
	public SocketOptionMapper(Transport transport) {
		this.transport = transport;
	}

	/**
	 * Map the given values.
	 * @param values the options that have a value, in the vocabulary's types ({@code Boolean}, {@code Integer},
	 * {@code Duration}, {@code DataSize}, {@code WriteBufferWaterMark})
	 * @param server whether the options are for a server (listener options allowed) or for a client
	 * @return the plan
	 */
	public SocketOptionPlan map(Map<SocketOption, Object> values, boolean server) {
		List<SocketOptionPlan.Applied> applied = new ArrayList<>();
		List<SocketOptionPlan.Skipped> skipped = new ArrayList<>();
		for (SocketOption option : SocketOption.values()) {
			Object value = values.get(option);
			if (value == null) {
				continue;
			}
			if (option.listenerOnly() && !server) {
				skipped.add(new SocketOptionPlan.Skipped(option, value, "applies to listening sockets only"));
				continue;
			}
			ChannelOption<?> channelOption = this.transport.channelOption(option, option.listenerOnly());
			if (channelOption == null) {
				skipped.add(new SocketOptionPlan.Skipped(option, value,
						"the " + this.transport.displayName() + " transport cannot apply it on this machine"));
				continue;
			}
			applied.add(new SocketOptionPlan.Applied(option, channelOption, convert(value), option.listenerOnly()));
		}
		return new SocketOptionPlan(List.copyOf(applied), List.copyOf(skipped));
	}

	private static Object convert(Object value) {
		if (value instanceof Duration duration) {
			return Math.toIntExact(duration.toSeconds());
		}
		if (value instanceof DataSize size) {
			return Math.toIntExact(size.toBytes());
		}
		return value;
	}

}
