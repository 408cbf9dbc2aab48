package dev.hyperlane.boot;

import org.jspecify.annotations.Nullable;

/**
 * A live change asked of one section of the {@code hyperlane} endpoint, the body of
 * {@code POST /actuator/hyperlane/{section}}: {@code {"action": "drain", "service": "payments",
 * "instance": "10.0.0.7:8080"}}. Blank arguments are {@code null}; the others are trimmed.
 *
 * @param action what to do, named by the section (for example {@code strategy}, {@code drain}, {@code restore},
 * {@code concurrency-limit})
 * @param service the service the action applies to, or {@code null}
 * @param instance the instance ({@code host:port}) the action applies to, or {@code null}
 * @param value the new value, or {@code null}
 */
public record SectionChange(String action, @Nullable String service, @Nullable String instance,
		@Nullable String value) {

	/**
	 * Create a change, trimming the arguments and turning blank ones into {@code null}.
	 * @param action the action
	 * @param service the service, or {@code null}
	 * @param instance the instance, or {@code null}
	 * @param value the value, or {@code null}
	 */
	public SectionChange {
		action = action.trim();
		service = clean(service);
		instance = clean(instance);
		value = clean(value);
	}

	private static @Nullable String clean(@Nullable String argument) {
		return (argument == null || argument.isBlank()) ? null : argument.trim();
	}

	/**
	 * Return the service, which the action needs.
	 * @return the service
	 * @throws IllegalArgumentException when it is missing
	 */
	public String requireService() {
		return require("service", this.service);
	}

	/**
	 * Return the instance, which the action needs.
	 * @return the instance
	 * @throws IllegalArgumentException when it is missing
	 */
	public String requireInstance() {
		return require("instance", this.instance);
	}

	/**
	 * Return the value, which the action needs.
	 * @return the value
	 * @throws IllegalArgumentException when it is missing
	 */
	public String requireValue() {
		return require("value", this.value);
	}

	private static String require(String name, @Nullable String argument) {
		if (argument == null) {
			throw new IllegalArgumentException("Missing '" + name + "'");
		}
		return argument;
	}

}
