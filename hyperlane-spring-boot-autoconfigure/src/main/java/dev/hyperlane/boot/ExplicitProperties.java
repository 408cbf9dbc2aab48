package dev.hyperlane.boot;

import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.ConfigurationPropertyState;
import org.springframework.core.env.Environment;

/**
 * Tells whether the application set a property itself, in any of Spring Boot's relaxed forms (a YAML key, a
 * system property, an environment variable such as {@code HYPERLANE_SERVER_IDLETIMEOUT}). Used to decide the
 * {@link SettingSource} of each effective setting and to let an explicit Spring Boot property win over a
 * Hyperlane default.
 */
public final class ExplicitProperties {

	private final Iterable<ConfigurationPropertySource> sources;

	/**
	 * Create an instance that reads the given environment.
	 * @param environment the application's environment
	 */
	public ExplicitProperties(Environment environment) {
		this.sources = ConfigurationPropertySources.get(environment);
	}

	/**
	 * Return whether the property, or any property below it (list elements, map entries), is set.
	 * @param name the canonical property name, such as {@code server.netty.idle-timeout}
	 * @return {@code true} when the application set it
	 */
	public boolean isSet(String name) {
		ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
		for (ConfigurationPropertySource source : this.sources) {
			ConfigurationProperty property = source.getConfigurationProperty(propertyName);
			if (property != null) {
				return true;
			}
			if (source.containsDescendantOf(propertyName) == ConfigurationPropertyState.PRESENT) {
				return true;
			}
		}
		return false;
	}

}
