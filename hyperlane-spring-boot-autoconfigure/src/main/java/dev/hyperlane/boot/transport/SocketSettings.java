package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingSource;
import io.netty.channel.WriteBufferWaterMark;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * Effective socket options of one role (the server, or a client), resolved from {@link SocketOptionsProperties}
 * and the role's defaults. Immutable.
 */
public final class SocketSettings {

	private final Map<SocketOption, Object> values;

	private final Map<String, EffectiveSetting> effective;

	private SocketSettings(Map<SocketOption, Object> values, Map<String, EffectiveSetting> effective) {
		this.values = Collections.unmodifiableMap(values);
		this.effective = Collections.unmodifiableMap(effective);
	}

	/**
	 * Resolve the settings.
	 * @param prefix the property prefix, such as {@code hyperlane.server.socket}
	 * @param properties the bound properties; the listening socket's options are resolved only from a
	 * {@link ServerSocketOptionsProperties}
	 * @param defaults the role's defaults with their reasons; options without a default keep the transport's
	 * @param explicit tells which properties the application set
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static SocketSettings resolve(String prefix, SocketOptionsProperties properties,
			Map<SocketOption, Default> defaults, Predicate<String> explicit) {
		Map<SocketOption, Object> values = new EnumMap<>(SocketOption.class);
		Map<String, EffectiveSetting> effective = new LinkedHashMap<>();
		boolean listener = properties instanceof ServerSocketOptionsProperties;
		for (SocketOption option : SocketOption.values()) {
			if (option.listenerOnly() && !listener) {
				continue;
			}
			String property = prefix + "." + option.propertyName();
			Object configured = configured(option, properties, prefix);
			Default fallback = defaults.get(option);
			if (configured != null) {
				validate(property, configured);
				values.put(option, configured);
				SettingSource source = explicit.test(property) || option == SocketOption.WRITE_BUFFER_WATER_MARK
						? SettingSource.PROPERTY : SettingSource.DEFAULT;
				effective.put(property, new EffectiveSetting(property, display(configured), source, "set by "
						+ property));
			}
			else if (fallback != null) {
				values.put(option, fallback.value());
				effective.put(property,
						new EffectiveSetting(property, display(fallback.value()), SettingSource.DEFAULT, fallback.reason()));
			}
			else {
				effective.put(property, new EffectiveSetting(property, null, SettingSource.LIBRARY_DEFAULT,
						"not set: the transport's or the kernel's own default applies"));
			}
		}
		return new SocketSettings(values, effective);
	}

	private static @Nullable Object configured(SocketOption option, SocketOptionsProperties properties,
			String prefix) {
		return switch (option) {
			case TCP_NO_DELAY -> properties.getTcpNoDelay();
			case KEEP_ALIVE -> properties.getKeepAlive();
			case KEEP_ALIVE_IDLE -> properties.getKeepAliveIdle();
			case KEEP_ALIVE_INTERVAL -> properties.getKeepAliveInterval();
			case KEEP_ALIVE_COUNT -> properties.getKeepAliveCount();
			case BACKLOG -> (properties instanceof ServerSocketOptionsProperties server) ? server.getBacklog() : null;
			case REUSE_ADDRESS ->
				(properties instanceof ServerSocketOptionsProperties server) ? server.getReuseAddress() : null;
			case REUSE_PORT -> (properties instanceof ServerSocketOptionsProperties server) ? server.getReusePort() : null;
			case RECEIVE_BUFFER_SIZE -> properties.getReceiveBufferSize();
			case SEND_BUFFER_SIZE -> properties.getSendBufferSize();
			case TCP_FAST_OPEN ->
				(properties instanceof ServerSocketOptionsProperties server) ? server.getTcpFastOpen() : null;
			case WRITE_BUFFER_WATER_MARK -> waterMark(properties, prefix);
		};
	}

	private static @Nullable WriteBufferWaterMark waterMark(SocketOptionsProperties properties, String prefix) {
		DataSize low = properties.getWriteBufferLowWaterMark();
		DataSize high = properties.getWriteBufferHighWaterMark();
		if (low == null && high == null) {
			return null;
		}
		long lowBytes = (low != null) ? low.toBytes() : WriteBufferWaterMark.DEFAULT.low();
		long highBytes = (high != null) ? high.toBytes() : WriteBufferWaterMark.DEFAULT.high();
		if (lowBytes < 0 || highBytes < lowBytes || highBytes > Integer.MAX_VALUE) {
			throw new HyperlaneSettingException(prefix + ".write-buffer-high-water-mark",
					"the water marks must satisfy 0 <= low <= high < 2GB, were low=" + lowBytes + "B high=" + highBytes
							+ "B",
					"Set " + prefix + ".write-buffer-low-water-mark below " + prefix + ".write-buffer-high-water-mark.");
		}
		return new WriteBufferWaterMark((int) lowBytes, (int) highBytes);
	}

	private static void validate(String property, Object value) {
		boolean valid = true;
		String allowed = "";
		if (value instanceof Duration duration) {
			valid = duration.toSeconds() >= 1 && duration.toSeconds() <= 32767;
			allowed = "from 1s to 32767s (the kernel's limit)";
		}
		else if (value instanceof Integer number) {
			valid = number >= 0;
			allowed = "0 or more";
		}
		else if (value instanceof DataSize size) {
			valid = size.toBytes() > 0 && size.toBytes() <= Integer.MAX_VALUE;
			allowed = "from 1B to 2GB";
		}
		if (!valid) {
			throw new HyperlaneSettingException(property, "value " + value + " is out of range",
					"Set " + property + " " + allowed + ".");
		}
	}

	private static Object display(Object value) {
		if (value instanceof WriteBufferWaterMark mark) {
			return "low=" + mark.low() + "B high=" + mark.high() + "B";
		}
		return value;
	}

	/**
	 * Return the values to apply, in the vocabulary's types.
	 * @return the values by option; unset options are absent
	 */
	public Map<SocketOption, Object> values() {
		return this.values;
	}

	/**
	 * Return each option with its source and reason, keyed by property name.
	 * @return the effective settings
	 */
	public Map<String, EffectiveSetting> effective() {
		return this.effective;
	}

	/**
	 * A role's default for one option.
	 *
	 * @param value the value
	 * @param reason why, with the source of the number
	 */
	public record Default(Object value, String reason) {

	}

}
