package dev.hyperlane.boot;

import org.jspecify.annotations.Nullable;

/**
 * Raised at start-up when a {@code hyperlane.*} setting is invalid or cannot be honoured on this machine. The
 * message names the property, the rejected value and what is allowed; a failure analyzer turns it into Spring
 * Boot's "APPLICATION FAILED TO START" report.
 */
public class HyperlaneSettingException extends RuntimeException {

	private final String property;

	private final String action;

	/**
	 * Create a new exception.
	 * @param property the offending property, such as {@code hyperlane.transport.type}
	 * @param message what is wrong
	 * @param action what to change
	 * @param cause the underlying cause, or {@code null}
	 */
	public HyperlaneSettingException(String property, String message, String action, @Nullable Throwable cause) {
		super(property + ": " + message, cause);
		this.property = property;
		this.action = action;
	}

	/**
	 * Create a new exception without a cause.
	 * @param property the offending property
	 * @param message what is wrong
	 * @param action what to change
	 */
	public HyperlaneSettingException(String property, String message, String action) {
		this(property, message, action, null);
	}

	/**
	 * Return the offending property.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return what the user should change.
	 * @return the suggested action
	 */
	public String getAction() {
		return this.action;
	}

}
