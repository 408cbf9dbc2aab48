package dev.hyperlane.boot;

import java.util.List;
import java.util.Map;

/**
 * One section of the {@code hyperlane} actuator endpoint ({@code /actuator/hyperlane/{name}}). Each concern
 * (transport, server, runtime, and later clients and load balancers) contributes one as a bean; the endpoint
 * reads the same settings objects that were applied and the same statistics the meters read.
 */
public interface HyperlaneSection {

	/**
	 * Return the section's name, a path segment such as {@code transport}.
	 * @return the name
	 */
	String name();

	/**
	 * Describe the section as JSON-friendly maps, lists, strings and numbers.
	 * @return the description, freshly computed from live data
	 */
	Map<String, Object> describe();

	/**
	 * Return findings computed from the live data, each naming what to change.
	 * @return the advice; empty when all is well
	 */
	default List<Advice> advice() {
		return List.of();
	}

}
