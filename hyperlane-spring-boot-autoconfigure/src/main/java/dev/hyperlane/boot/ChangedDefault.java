package dev.hyperlane.boot;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One place where Hyperlane departs from what Spring Boot (with Reactor Netty and Spring Cloud LoadBalancer) does
 * without it: the property that controls it and the value in force. Listed in one line at start-up by
 * {@link HyperlaneStartupReport}.
 *
 * @param property the property that sets the value, such as {@code hyperlane.server.compression.enabled}
 * @param value the value in force, as shown in the endpoint
 */
public record ChangedDefault(String property, String value) {

	/**
	 * Add a setting to the list when its value differs from Spring Boot's own and did not come from Spring Boot's
	 * own property or a customizer of the application (then Boot's behaviour is what the application chose).
	 * @param changes the list to add to
	 * @param setting the effective setting, or {@code null} when the section has none
	 * @param bootValue what applies without Hyperlane, {@code null} for "not set" (no limit, no timeout)
	 */
	public static void addIfChanged(List<ChangedDefault> changes, @Nullable EffectiveSetting setting,
			@Nullable Object bootValue) {
		if (setting == null || setting.source() == SettingSource.BOOT_PROPERTY
				|| setting.source() == SettingSource.CUSTOMIZER || Objects.equals(setting.value(), bootValue)) {
			return;
		}
		changes.add(new ChangedDefault(setting.property(), EffectiveSetting.display(setting.value())));
	}

	@Override
	public String toString() {
		return this.property + "=" + this.value;
	}

}
