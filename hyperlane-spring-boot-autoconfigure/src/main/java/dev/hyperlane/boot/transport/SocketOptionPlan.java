package dev.hyperlane.boot.transport;

import java.util.List;

import io.netty.channel.ChannelOption;

/**
 * Socket options mapped to the active transport's option classes, split into what will be applied and what the
 * transport cannot apply (reported, never silently dropped).
 *
 * @param applied the options to set, each on the listening socket or on every connection
 * @param skipped the options that cannot be applied here, with the reason
 */
public record SocketOptionPlan(List<Applied> applied, List<Skipped> skipped) {

	/**
	 * One option to set.
	 *
	 * @param option the vocabulary entry
	 * @param channelOption the transport's option
	 * @param value the value in the unit the option takes (seconds, bytes, a water mark)
	 * @param listener whether it goes on the listening socket rather than on each connection
	 */
	public record Applied(SocketOption option, ChannelOption<?> channelOption, Object value, boolean listener) {

		/**
		 * Return the option with its value type erased, to pass to Reactor Netty's {@code option} methods.
		 * @return the option
		 */
		@SuppressWarnings("unchecked")
		public ChannelOption<Object> rawOption() {
			return (ChannelOption<Object>) this.channelOption;
		}

	}

	/**
	 * One option that was set but cannot be applied.
	 *
	 * @param option the vocabulary entry
	 * @param value the configured value
	 * @param reason why it is not applied
	 */
	public record Skipped(SocketOption option, Object value, String reason) {

	}

}
