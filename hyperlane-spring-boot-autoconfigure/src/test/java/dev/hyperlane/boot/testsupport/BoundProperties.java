package dev.hyperlane.boot.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Binds constructor-bound properties (records) as the application does, from {@code name=value} pairs below their
 * prefix: what a test once did with setters. A property left out keeps its {@code @DefaultValue}.
 */
public final class BoundProperties {

	private BoundProperties() {
	}

	/**
	 * Bind properties from {@code name=value} pairs, such as {@code slow-start.window=0s}.
	 * @param prefix the properties' prefix, such as {@code hyperlane.loadbalancer}
	 * @param type the properties type
	 * @param pairs the values set, each {@code name=value} below the prefix
	 * @param <T> the properties type
	 * @return the bound properties
	 */
	public static <T> T bind(String prefix, Class<T> type, String... pairs) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : pairs) {
			int equals = pair.indexOf('=');
			values.put(prefix + "." + pair.substring(0, equals), pair.substring(equals + 1));
		}
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
	}

}
