package dev.hyperlane.boot;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Binder;

/**
 * The one resolver of every concern's settings: for each {@link Setting} it takes the first value found in this
 * order, in the style of Spring Boot's {@code PropertyMapper}, and remembers where it came from:
 * <ol>
 * <li>the layers of bound properties, most specific first (a service's own options, then
 * {@code hyperlane.client.defaults}; or {@code hyperlane.server}), each marked {@link SettingSource#PROPERTY};</li>
 * <li>the setting's Spring Boot property, when the application set it ({@link SettingSource#BOOT_PROPERTY});</li>
 * <li>a value derived from other settings or from the machine, when the caller gives one
 * ({@link SettingSource#DERIVED}), or the value resolved for a wider scope with its own source
 * ({@link #inherit}: a service's load-balancer setting falls back to the one for every service);</li>
 * <li>Hyperlane's default from the descriptor ({@link SettingSource#DEFAULT}), {@code null} meaning unset.</li>
 * </ol>
 * Every value that is not {@code null} passes the setting's check, whatever its source, or start-up fails with a
 * {@link HyperlaneSettingException} that names the property, the value, its source and what is allowed.
 * <p>
 * Not thread-safe; one resolver builds one {@link ResolvedSettings}.
 *
 * @param <O> the bound properties type
 */
public final class SettingResolver<O> {

	private final List<Layer<O>> layers;

	private final String defaultPrefix;

	private final @Nullable ExplicitProperties explicit;

	private final @Nullable Binder binder;

	private final Map<String, EffectiveSetting> resolved = new LinkedHashMap<>();

	/**
	 * Create a resolver.
	 * @param layers the bound properties, most specific first
	 * @param defaultPrefix the prefix named for values no layer set, such as {@code hyperlane.client.defaults}
	 * @param explicit tells which Spring Boot properties the application set, or {@code null} when the concern
	 * has no Spring Boot properties
	 * @param binder binds Spring Boot's properties, or {@code null} when the concern has none
	 */
	public SettingResolver(List<Layer<O>> layers, String defaultPrefix, @Nullable ExplicitProperties explicit,
			@Nullable Binder binder) {
		this.layers = List.copyOf(layers);
		this.defaultPrefix = defaultPrefix;
		this.explicit = explicit;
		this.binder = binder;
	}

	/**
	 * Resolve a setting whose default is the descriptor's.
	 * @param setting the setting
	 * @param <T> the value's type
	 * @return the value, or {@code null} when it is unset
	 * @throws HyperlaneSettingException when the value fails the setting's check
	 */
	public <T> @Nullable T resolve(Setting<O, T> setting) {
		return resolve(setting, setting.defaultValue(), SettingSource.DEFAULT, setting.reason());
	}

	/**
	 * Resolve a setting whose default is derived (from other settings or the machine) when nothing sets it.
	 * @param setting the setting
	 * @param derived the derived default
	 * @param derivation how it was derived, shown as the reason
	 * @param <T> the value's type
	 * @return the value
	 * @throws HyperlaneSettingException when the value fails the setting's check
	 */
	public <T> T derive(Setting<O, T> setting, T derived, String derivation) {
		T value = resolve(setting, derived, SettingSource.DERIVED, derivation);
		return (value != null) ? value : derived;
	}

	/**
	 * Resolve a setting that, when no layer sets it, takes a value resolved for a wider scope with that value's
	 * source and reason: a service's own setting falling back to the one for every service.
	 * @param setting the setting
	 * @param inherited the wider scope's settings
	 * @param wider the wider scope's setting of the same value
	 * @param <T> the value's type
	 * @return the value, or {@code null} when it is unset in both
	 * @throws HyperlaneSettingException when the value fails the setting's check
	 */
	public <T> @Nullable T inherit(Setting<O, T> setting, ResolvedSettings inherited, Setting<?, T> wider) {
		EffectiveSetting effective = inherited.effective(wider);
		if (effective == null) {
			return resolve(setting);
		}
		return resolve(setting, inherited.get(wider), effective.source(), effective.reason());
	}

	private <T> @Nullable T resolve(Setting<O, T> setting, @Nullable T fallback, SettingSource fallbackSource,
			String fallbackReason) {
		for (Layer<O> layer : this.layers) {
			String property = layer.prefix() + "." + setting.name();
			T value = setting.read().apply(layer.properties());
			if (value != null && layer.isSet().test(property)) {
				return put(setting, property, value, SettingSource.PROPERTY, "set by " + property);
			}
		}
		String property = this.defaultPrefix + "." + setting.name();
		String bootProperty = setting.bootProperty();
		if (bootProperty != null && this.explicit != null && this.binder != null
				&& this.explicit.isSet(bootProperty)) {
			T value = this.binder.bind(bootProperty, setting.type()).orElse(null);
			return put(setting, property, value, SettingSource.BOOT_PROPERTY,
					"Spring Boot's " + bootProperty + " is set and wins over Hyperlane's default");
		}
		return put(setting, property, fallback, fallbackSource, fallbackReason);
	}

	private <T> @Nullable T put(Setting<O, T> setting, String property, @Nullable T value, SettingSource source,
			String reason) {
		EffectiveSetting effective = new EffectiveSetting(property, value, source, reason);
		if (value != null && !setting.check().valid().test(value)) {
			throw outOfRange(effective, setting.check().allowed());
		}
		this.resolved.put(setting.name(), effective);
		return value;
	}

	/**
	 * Return the failure for a setting outside what is allowed, as every check reports it.
	 * @param setting the effective setting
	 * @param allowed what is allowed, such as {@code 1 to 9}
	 * @return the exception, naming the property, the value and its source
	 */
	public static HyperlaneSettingException outOfRange(EffectiveSetting setting, String allowed) {
		return new HyperlaneSettingException(setting.property(),
				"value " + EffectiveSetting.display(setting.value()) + " (" + setting.source() + ") is out of range",
				"Set " + setting.property() + " to " + allowed + ".");
	}

	/**
	 * Return what was resolved so far, in resolution order.
	 * @return the settings
	 */
	public ResolvedSettings settings() {
		return new ResolvedSettings(this.resolved);
	}

	/**
	 * One layer of bound properties.
	 *
	 * @param <O> the bound properties type
	 * @param prefix the layer's property prefix, such as {@code hyperlane.client.services.payments}
	 * @param properties the bound properties
	 * @param isSet whether the application set a property of this layer (its full name); a value counts only
	 * then, so a field initializer (kept for the IDE metadata) never passes for a property
	 */
	public record Layer<O>(String prefix, O properties, Predicate<String> isSet) {

		/**
		 * A layer whose properties are {@code null} unless set (nullable options).
		 * @param prefix the prefix
		 * @param properties the properties
		 * @param <O> the properties type
		 * @return the layer
		 */
		public static <O> Layer<O> nullable(String prefix, O properties) {
			return new Layer<>(prefix, properties, (property) -> true);
		}

		/**
		 * A layer whose properties have initialized fields, which count only when the application set them.
		 * @param prefix the prefix
		 * @param properties the properties
		 * @param explicit tells which properties the application set
		 * @param <O> the properties type
		 * @return the layer
		 */
		public static <O> Layer<O> explicit(String prefix, O properties, ExplicitProperties explicit) {
			return new Layer<>(prefix, properties, explicit::isSet);
		}

	}

}
