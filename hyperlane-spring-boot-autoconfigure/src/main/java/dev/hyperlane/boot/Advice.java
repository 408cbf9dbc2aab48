package dev.hyperlane.boot;


/**
 * A finding of the {@code hyperlane} endpoint's advice section.
 *
 * @param level how much it matters: {@code warning} (likely to hurt in production) or {@code info}
 * @param finding what was found, with the numbers
 * @param property the property or JVM option to change
 * @param suggestion what to set it to, and why
 */
public record Advice(String level, String finding, String property, String suggestion) {

	/**
	 * Create a warning.
	 * @param finding what was found
	 * @param property what to change
	 * @param suggestion how
	 * @return the advice
	 */
	public static Advice warning(String finding, String property, String suggestion) {
		return new Advice("warning", finding, property, suggestion);
	}

	/**
	 * Create an informational finding.
	 * @param finding what was found
	 * @param property what to change
	 * @param suggestion how
	 * @return the advice
	 */
	public static Advice info(String finding, String property, String suggestion) {
		return new Advice("info", finding, property, suggestion);
	}

}
