package dev.hyperlane.boot;

import java.util.List;
import java.util.Map;

/**
 * One section of the {@code hyperlane} actuator endpoint ({@code /actuator/hyperlane/{name}}). Each concern
 * (transport, server, runtime, and later clients and load balancers) contributes one as a bean; the endpoint
 * reads the same settings objects that were applied and the same statistics the meters read.
 * <p>
 * Each section is a record whose {@code name} component implements {@link #name()}, given once by the record's
 * own constructor from {@link SectionNames}.
 */
public interface HyperlaneSection {

	/**
	 * Return the section's name, a path segment: one of the {@link SectionNames} constants.
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

	/**
	 * Return where this concern departs from what Spring Boot does without Hyperlane (compression, limits,
	 * timeouts, transport, retries), each with the property that controls it; logged in one line at start-up.
	 * @return the changes; empty when the concern leaves Boot's behaviour as it is
	 */
	default List<ChangedDefault> changedBootDefaults() {
		return List.of();
	}

	/**
	 * Change live state, for {@code POST /actuator/hyperlane/{name}} with a JSON body such as
	 * {@code {"action": "drain", "service": "payments", "instance": "10.0.0.7:8080"}}. Reached only when the
	 * endpoint's access is unrestricted ({@code management.endpoint.hyperlane.access=unrestricted}); the
	 * default access is read-only and Boot refuses the request before it gets here.
	 * @param change the action and its arguments
	 * @return the state after the change, as the section describes it
	 * @throws IllegalArgumentException when the section has no such action or an argument is missing or
	 * invalid; the endpoint answers 400 with the message
	 */
	default Map<String, Object> change(SectionChange change) {
		throw new IllegalArgumentException("Section '" + name() + "' has no write actions");
	}

}
