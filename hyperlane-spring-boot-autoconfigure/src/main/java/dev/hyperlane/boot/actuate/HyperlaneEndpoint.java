package dev.hyperlane.boot.actuate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionChange;
import dev.hyperlane.boot.SectionNames;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;

/**
 * The {@code hyperlane} actuator endpoint: {@code /actuator/hyperlane} shows every section and the advice,
 * {@code /actuator/hyperlane/{section}} one of them ({@code transport}, {@code server}, {@code runtime},
 * {@code advice}, and whatever later concerns contribute); an unknown section answers 404. Every value comes from
 * the settings objects that were applied and the statistics the meters read.
 * <p>
 * Read-only by default ({@link Access#READ_ONLY}): {@code POST /actuator/hyperlane/{section}} (live changes such
 * as a load-balancing strategy switch or draining an instance) is refused by Boot unless
 * {@code management.endpoint.hyperlane.access=unrestricted}. A change a section does not know answers 400.
 */
@Endpoint(id = "hyperlane", defaultAccess = Access.READ_ONLY)
public class HyperlaneEndpoint {

	private final List<HyperlaneSection> sections;

	/**
	 * Create the endpoint.
	 * @param sections the sections contributed by each concern, shown in {@link SectionNames#ORDER}
	 */
	public HyperlaneEndpoint(List<HyperlaneSection> sections) {
		List<HyperlaneSection> sorted = new ArrayList<>(sections);
		sorted.sort(Comparator.comparingInt((HyperlaneSection section) -> rank(section.name()))
			.thenComparing(HyperlaneSection::name));
		this.sections = List.copyOf(sorted);
	}

	private static int rank(String name) {
		int index = SectionNames.ORDER.indexOf(name);
		return (index >= 0) ? index : SectionNames.ORDER.size();
	}

	/**
	 * Describe every section, then the advice.
	 * @return the sections by name, and the advice
	 */
	@ReadOperation
	public HyperlaneDescriptor hyperlane() {
		Map<String, Object> described = new LinkedHashMap<>();
		for (HyperlaneSection section : this.sections) {
			described.put(section.name(), section.describe());
		}
		return new HyperlaneDescriptor(described, advice());
	}

	/**
	 * Describe one section.
	 * @param section the section's name, or {@code advice}
	 * @return the section, or {@code null} (404) when there is no such section
	 */
	@ReadOperation
	public @Nullable Map<String, Object> section(@Selector String section) {
		if (SectionNames.ADVICE.equals(section)) {
			return Map.of(SectionNames.ADVICE, advice());
		}
		HyperlaneSection found = find(section);
		return (found != null) ? found.describe() : null;
	}

	/**
	 * Change a section's live state. The request body carries {@code action} and the arguments the section's
	 * action needs ({@code service}, {@code instance}, {@code value}); see {@link SectionChange}.
	 * @param section the section's name
	 * @param action the action, named by the section
	 * @param service the service the action applies to, when it needs one
	 * @param instance the instance ({@code host:port}) the action applies to, when it needs one
	 * @param value the new value, when the action sets one
	 * @return the section's state after the change, or {@code null} (404) when there is no such section
	 * @throws InvalidEndpointRequestException (400) when the section refuses the change
	 */
	@WriteOperation
	public @Nullable Map<String, Object> change(@Selector String section, String action,
			@Nullable String service, @Nullable String instance, @Nullable String value) {
		HyperlaneSection found = find(section);
		if (found == null) {
			return null;
		}
		try {
			return found.change(new SectionChange(action, service, instance, value));
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidEndpointRequestException(String.valueOf(ex.getMessage()), "Invalid change");
		}
	}

	private @Nullable HyperlaneSection find(String name) {
		for (HyperlaneSection candidate : this.sections) {
			if (candidate.name().equals(name)) {
				return candidate;
			}
		}
		return null;
	}

	private List<AdviceDescriptor> advice() {
		List<AdviceDescriptor> advice = new ArrayList<>();
		for (HyperlaneSection section : this.sections) {
			for (Advice finding : section.advice()) {
				advice.add(AdviceDescriptor.of(section.name(), finding));
			}
		}
		return advice;
	}

}
