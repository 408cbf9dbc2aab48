package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.ResolvedSettings;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.SettingSource;
import io.netty.channel.WriteBufferWaterMark;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The socket options of one role (the server, or a client) as applied: one {@link Setting} descriptor per
 * {@code socket.*} property, resolved by {@link SettingResolver} like every other setting. The descriptors below
 * have no default (the transport's or the kernel's applies, shown with the source {@code library-default}); a
 * role gives its own defaults with {@link Setting#withDefault} and builds its table with
 * {@link #connectionTable(List)} or {@link #listenerTable(List)}. Immutable.
 */
public final class SocketSettings {

	private static final String UNSET = "not set: the transport's or the kernel's own default applies";

	private static final String SECONDS = "1s to 32767s (the kernel's limit)";

	/** TCP_NODELAY. */
	public static final Setting<SocketOptionsProperties, Boolean> TCP_NO_DELAY = flag(
			"tcp-no-delay", SocketOptionsProperties::tcpNoDelay);

	/** SO_KEEPALIVE. */
	public static final Setting<SocketOptionsProperties, Boolean> KEEP_ALIVE = flag(
			"keep-alive", SocketOptionsProperties::keepAlive);

	/** TCP_KEEPIDLE, whole seconds. */
	public static final Setting<SocketOptionsProperties, Duration> KEEP_ALIVE_IDLE = seconds(
			"keep-alive-idle", SocketOptionsProperties::keepAliveIdle);

	/** TCP_KEEPINTVL, whole seconds. */
	public static final Setting<SocketOptionsProperties, Duration> KEEP_ALIVE_INTERVAL = seconds(
			"keep-alive-interval", SocketOptionsProperties::keepAliveInterval);

	/** TCP_KEEPCNT. */
	public static final Setting<SocketOptionsProperties, Integer> KEEP_ALIVE_COUNT = count(
			"keep-alive-count", SocketOptionsProperties::keepAliveCount);

	/** SO_BACKLOG; listening sockets only. */
	public static final Setting<SocketOptionsProperties, Integer> BACKLOG = count(
			"backlog", SocketOptionsProperties::backlog);

	/** SO_REUSEADDR; listening sockets only. */
	public static final Setting<SocketOptionsProperties, Boolean> REUSE_ADDRESS = flag(
			"reuse-address", SocketOptionsProperties::reuseAddress);

	/** SO_REUSEPORT; listening sockets only. */
	public static final Setting<SocketOptionsProperties, Boolean> REUSE_PORT = flag(
			"reuse-port", SocketOptionsProperties::reusePort);

	/** SO_RCVBUF. */
	public static final Setting<SocketOptionsProperties, DataSize> RECEIVE_BUFFER_SIZE = size(
			"receive-buffer-size", SocketOptionsProperties::receiveBufferSize);

	/** SO_SNDBUF. */
	public static final Setting<SocketOptionsProperties, DataSize> SEND_BUFFER_SIZE = size(
			"send-buffer-size", SocketOptionsProperties::sendBufferSize);

	/** TCP_FASTOPEN, the fast-open queue length; listening sockets only. */
	public static final Setting<SocketOptionsProperties, Integer> TCP_FAST_OPEN = count(
			"tcp-fast-open", SocketOptionsProperties::tcpFastOpen);

	/** The low write-buffer water mark; checked with the high one. */
	public static final Setting<SocketOptionsProperties, DataSize> WRITE_BUFFER_LOW_WATER_MARK = waterMark(
			"write-buffer-low-water-mark", SocketOptionsProperties::writeBufferLowWaterMark);

	/** The high write-buffer water mark; checked with the low one. */
	public static final Setting<SocketOptionsProperties, DataSize> WRITE_BUFFER_HIGH_WATER_MARK = waterMark(
			"write-buffer-high-water-mark", SocketOptionsProperties::writeBufferHighWaterMark);

	private static final List<Setting<SocketOptionsProperties, ?>> ALL = List.of(TCP_NO_DELAY, KEEP_ALIVE,
			KEEP_ALIVE_IDLE, KEEP_ALIVE_INTERVAL, KEEP_ALIVE_COUNT, BACKLOG, REUSE_ADDRESS, REUSE_PORT,
			RECEIVE_BUFFER_SIZE, SEND_BUFFER_SIZE, TCP_FAST_OPEN, WRITE_BUFFER_LOW_WATER_MARK,
			WRITE_BUFFER_HIGH_WATER_MARK);

	private final ResolvedSettings settings;

	private final Map<SocketOption, Object> values;

	private SocketSettings(ResolvedSettings settings, Map<SocketOption, Object> values) {
		this.settings = settings;
		this.values = Map.copyOf(values);
	}

	private static Setting<SocketOptionsProperties, Boolean> flag(String name,
			Function<SocketOptionsProperties, @Nullable Boolean> read) {
		return Setting.of(name, Boolean.class, read, null, UNSET);
	}

	private static Setting<SocketOptionsProperties, Duration> seconds(String name,
			Function<SocketOptionsProperties, @Nullable Duration> read) {
		return Setting.of(name, Duration.class, read, null, UNSET)
			.withCheck((duration) -> duration.toSeconds() >= 1 && duration.toSeconds() <= 32767, SECONDS);
	}

	private static Setting<SocketOptionsProperties, Integer> count(String name,
			Function<SocketOptionsProperties, @Nullable Integer> read) {
		return Setting.of(name, Integer.class, read, null, UNSET).withCheck((count) -> count >= 0, "0 or more");
	}

	private static Setting<SocketOptionsProperties, DataSize> size(String name,
			Function<SocketOptionsProperties, @Nullable DataSize> read) {
		return Setting.of(name, DataSize.class, read, null, UNSET)
			.withCheck((size) -> Setting.between(size, 1, Integer.MAX_VALUE), "1B to 2GB");
	}

	/** A water mark: checked with the other one ({@link #waterMark(ResolvedSettings)}), not alone. */
	private static Setting<SocketOptionsProperties, DataSize> waterMark(String name,
			Function<SocketOptionsProperties, @Nullable DataSize> read) {
		return Setting.of(name, DataSize.class, read, null, UNSET);
	}

	/**
	 * Return the settings of every connection's socket (a client's), with the role's defaults.
	 * @param defaults the role's defaults, descriptors of this class given a value with {@link Setting#withDefault}
	 * @return every option but those of listening sockets, in the vocabulary's order
	 */
	public static List<Setting<SocketOptionsProperties, ?>> connectionTable(
			List<Setting<SocketOptionsProperties, ?>> defaults) {
		return table(defaults, false);
	}

	/**
	 * Return the settings of a server's sockets, the listening one's included, with the role's defaults.
	 * @param defaults the role's defaults, descriptors of this class given a value with {@link Setting#withDefault}
	 * @return every option, in the vocabulary's order
	 */
	public static List<Setting<SocketOptionsProperties, ?>> listenerTable(
			List<Setting<SocketOptionsProperties, ?>> defaults) {
		return table(defaults, true);
	}

	private static List<Setting<SocketOptionsProperties, ?>> table(List<Setting<SocketOptionsProperties, ?>> defaults,
			boolean listener) {
		List<Setting<SocketOptionsProperties, ?>> table = new ArrayList<>();
		for (Setting<SocketOptionsProperties, ?> setting : ALL) {
			SocketOption option = option(setting);
			if (!listener && option != null && option.listenerOnly()) {
				continue;
			}
			table.add(defaults.stream()
				.filter((own) -> own.name().equals(setting.name()))
				.findFirst()
				.orElse(setting));
		}
		return List.copyOf(table);
	}

	private static @Nullable SocketOption option(Setting<?, ?> setting) {
		for (SocketOption option : SocketOption.values()) {
			if (option.propertyName().equals(setting.name())) {
				return option;
			}
		}
		return null;
	}

	/**
	 * Resolve the settings.
	 * @param table the role's table ({@link #connectionTable} or {@link #listenerTable})
	 * @param layers the bound socket properties, most specific first
	 * @param defaultPrefix the prefix named for values no layer set, such as {@code hyperlane.server.socket}
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static SocketSettings resolve(List<Setting<SocketOptionsProperties, ?>> table,
			List<SettingResolver.Layer<SocketOptionsProperties>> layers, String defaultPrefix) {
		SettingResolver<SocketOptionsProperties> resolver = new SettingResolver<>(layers, defaultPrefix, null, null);
		table.forEach(resolver::resolve);
		ResolvedSettings settings = resolver.settings();
		Map<SocketOption, Object> values = new EnumMap<>(SocketOption.class);
		for (Setting<SocketOptionsProperties, ?> setting : table) {
			SocketOption option = option(setting);
			Object value = settings.get(setting);
			if (value == null) {
				settings = settings.override(setting, null, SettingSource.LIBRARY_DEFAULT, UNSET);
			}
			else if (option != null) {
				values.put(option, value);
			}
		}
		WriteBufferWaterMark waterMark = waterMark(settings);
		if (waterMark != null) {
			values.put(SocketOption.WRITE_BUFFER_WATER_MARK, waterMark);
		}
		return new SocketSettings(settings, values);
	}

	private static @Nullable WriteBufferWaterMark waterMark(ResolvedSettings settings) {
		DataSize low = settings.get(WRITE_BUFFER_LOW_WATER_MARK);
		DataSize high = settings.get(WRITE_BUFFER_HIGH_WATER_MARK);
		if (low == null && high == null) {
			return null;
		}
		long lowBytes = (low != null) ? low.toBytes() : WriteBufferWaterMark.DEFAULT.low();
		long highBytes = (high != null) ? high.toBytes() : WriteBufferWaterMark.DEFAULT.high();
		if (lowBytes < 0 || highBytes < lowBytes || highBytes > Integer.MAX_VALUE) {
			String highProperty = settings.byName().get(WRITE_BUFFER_HIGH_WATER_MARK.name()).property();
			String lowProperty = settings.byName().get(WRITE_BUFFER_LOW_WATER_MARK.name()).property();
			throw new HyperlaneSettingException(highProperty,
					"the water marks must satisfy 0 <= low <= high < 2GB, were low=" + lowBytes + "B high=" + highBytes
							+ "B",
					"Set " + lowProperty + " below " + highProperty + ".");
		}
		return new WriteBufferWaterMark((int) lowBytes, (int) highBytes);
	}

	/**
	 * Return the values to apply, in the vocabulary's types.
	 * @return the values by option; unset options are absent
	 */
	public Map<SocketOption, Object> values() {
		return this.values;
	}

	/**
	 * Return each option with its source and reason, keyed by its name below the {@code socket} prefix.
	 * @return the effective settings, in the vocabulary's order
	 */
	public Map<String, EffectiveSetting> byName() {
		return this.settings.byName();
	}

	/**
	 * Return each option with its source and reason, keyed by the property that set it (or would set it).
	 * @return the effective settings, in the vocabulary's order
	 */
	public Map<String, EffectiveSetting> effective() {
		return this.settings.byProperty();
	}

}
