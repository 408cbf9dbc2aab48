package dev.hyperlane.boot.actuate;

import dev.hyperlane.boot.Advice;

/**
 * One finding of the {@code hyperlane} endpoint's advice, with the section that found it.
 *
 * @param section the name of the section that found it, such as {@code transport}
 * @param level how much it matters: {@code warning} or {@code info}
 * @param finding what was found, with the numbers
 * @param property the property or JVM option to change
 * @param suggestion what to set it to, and why
 */
public record AdviceDescriptor(String section, String level, String finding, String property, String suggestion) {

	static AdviceDescriptor of(String section, Advice advice) {
		return new AdviceDescriptor(section, advice.level(), advice.finding(), advice.property(), advice.suggestion());
	}

}
