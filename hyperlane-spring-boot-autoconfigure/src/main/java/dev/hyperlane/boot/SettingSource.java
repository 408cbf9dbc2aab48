package dev.hyperlane.boot;

import java.util.Locale;

/**
 * Where an effective setting came from, shown next to every value in the {@code hyperlane} actuator endpoint.
 */
public enum SettingSource {

	/** Hyperlane's own default; the setting's Javadoc says why that value. */
	DEFAULT,

	/** A {@code hyperlane.*} property set by the application. */
	PROPERTY,

	/** A Spring Boot property (such as {@code server.netty.*}) set by the application, which wins over Hyperlane's default. */
	BOOT_PROPERTY,

	/**
	 * Set by a {@code NettyServerCustomizer} (or other code) that ran before Hyperlane's tuning, which keeps the
	 * value instead of replacing it with its default.
	 */
	CUSTOMIZER,

	/** Computed from the machine the process runs on (CPUs, memory, loaded native libraries). */
	DERIVED,

	/** Left to the library's own default (Reactor Netty, Netty or the kernel); nothing was set. */
	LIBRARY_DEFAULT;

	/**
	 * Return the lower-case, hyphenated name shown in the endpoint, such as {@code boot-property}.
	 * @return the display name
	 */
	public String displayName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	@Override
	public String toString() {
		return displayName();
	}

}
