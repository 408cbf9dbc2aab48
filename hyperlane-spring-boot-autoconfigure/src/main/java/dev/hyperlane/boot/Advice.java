package dev.hyperlane.boot;

import java.util.LinkedHashMap;
import java.util.Map;

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

	/**
	 * Return the advice as a map for JSON output.
	 * @return an insertion-ordered map
	 */
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("level", this.level);
		description.put("finding", this.finding);
		description.put("property", this.property);
		description.put("suggestion", this.suggestion);
		return description;
	}

}
