package dev.hyperlane.boot;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * The settings of one concern as {@link SettingResolver} resolved them: each value typed by its {@link Setting}
 * descriptor, with its source and reason. Immutable; {@link #override} returns a copy.
 */
public final class ResolvedSettings {

	private final Map<String, EffectiveSetting> byName;

	ResolvedSettings(Map<String, EffectiveSetting> byName) {
		this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
	}

	/**
	 * Return the value of a setting.
	 * @param setting the setting's descriptor
	 * @param <T> the value's type
	 * @return the value, or {@code null} when it is unset or was not resolved
	 */
	@SuppressWarnings("unchecked") // the resolver stored a value of the descriptor's type under its name
	public <T> @Nullable T get(Setting<?, T> setting) {
		EffectiveSetting effective = this.byName.get(setting.name());
		return (effective != null) ? (T) effective.value() : null;
	}

	/**
	 * Return the value of a setting that always has one.
	 * @param setting the setting's descriptor
	 * @param <T> the value's type
	 * @return the value
	 * @throws IllegalStateException when the setting is unset
	 */
	public <T> T require(Setting<?, T> setting) {
		T value = get(setting);
		if (value == null) {
			throw new IllegalStateException("Setting '" + setting.name() + "' has no value");
		}
		return value;
	}

	/**
	 * Return a setting with its source and reason.
	 * @param setting the setting's descriptor
	 * @return the effective setting, or {@code null} when it was not resolved
	 */
	public @Nullable EffectiveSetting effective(Setting<?, ?> setting) {
		return this.byName.get(setting.name());
	}

	/**
	 * Return a copy in which a setting has another value and source, such as one that code ahead of Hyperlane's
	 * tuning already applied.
	 * @param setting the setting's descriptor
	 * @param value the value, or {@code null} for unset
	 * @param source where it came from
	 * @param reason why
	 * @param <T> the value's type
	 * @return the new settings
	 */
	public <T> ResolvedSettings override(Setting<?, T> setting, @Nullable T value, SettingSource source, String reason) {
		Map<String, EffectiveSetting> copy = new LinkedHashMap<>(this.byName);
		EffectiveSetting current = this.byName.get(setting.name());
		String property = (current != null) ? current.property() : setting.name();
		copy.put(setting.name(), new EffectiveSetting(property, value, source, reason));
		return new ResolvedSettings(copy);
	}

	/**
	 * Return every setting keyed by its name below the concern's prefix, in resolution order.
	 * @return the settings
	 */
	public Map<String, EffectiveSetting> byName() {
		return this.byName;
	}

	/**
	 * Return every setting keyed by the property that set it (or would set it), in resolution order.
	 * @return the settings
	 */
	public Map<String, EffectiveSetting> byProperty() {
		Map<String, EffectiveSetting> byProperty = new LinkedHashMap<>();
		this.byName.values().forEach((setting) -> byProperty.put(setting.property(), setting));
		return byProperty;
	}

}
