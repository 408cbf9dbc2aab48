package dev.hyperlane.boot;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One setting as it was applied: the property that controls it, its value, where the value came from and why.
 *
 * @param property the property that controls the setting, such as {@code hyperlane.server.idle-timeout}
 * @param value the applied value, or {@code null} when nothing was set and the library default applies
 * @param source where the value came from
 * @param reason why this value, in one sentence
 */
public record EffectiveSetting(String property, @Nullable Object value, SettingSource source, String reason) {

	/**
	 * Return the setting as the endpoint shows it; a {@code null} value is shown as {@code "unset"}.
	 * @return the descriptor with {@code value}, {@code source} and {@code reason}
	 */
	public SettingDescriptor describe() {
		return new SettingDescriptor(display(this.value), this.source.displayName(), this.reason);
	}

	/**
	 * Describe settings keyed by their property, in the order given.
	 * @param settings the settings
	 * @return an insertion-ordered map from property to descriptor
	 */
	public static Map<String, SettingDescriptor> describeAll(Collection<EffectiveSetting> settings) {
		Map<String, SettingDescriptor> described = new LinkedHashMap<>();
		for (EffectiveSetting setting : settings) {
			described.put(setting.property(), setting.describe());
		}
		return described;
	}

	/**
	 * Render a value for people: durations as {@code 75s} or {@code 250ms}, {@code null} as {@code unset}.
	 * @param value the value
	 * @return the text shown in the endpoint
	 */
	public static String display(@Nullable Object value) {
		if (value == null) {
			return "unset";
		}
		if (value instanceof Duration duration) {
			return (duration.toMillis() % 1000 == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
		}
		return String.valueOf(value);
	}

}
