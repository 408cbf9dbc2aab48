package dev.hyperlane.boot.actuate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.HyperlaneSection;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code hyperlane} actuator endpoint: {@code /actuator/hyperlane} shows every section and the advice,
 * {@code /actuator/hyperlane/{section}} one of them ({@code transport}, {@code server}, {@code runtime},
 * {@code advice}, and whatever later concerns contribute); an unknown section answers 404. Read-only by default.
 * Every value comes from the settings objects that were applied and the statistics the meters read.
 */
@Endpoint(id = "hyperlane", defaultAccess = Access.READ_ONLY)
public class HyperlaneEndpoint {

	private static final List<String> ORDER = List.of("transport", "server", "client", "loadbalancer", "runtime");

	private final List<HyperlaneSection> sections;

	/**
	 * Create the endpoint.
	 * @param sections the sections contributed by each concern
	 */
	public HyperlaneEndpoint(List<HyperlaneSection> sections) {
		List<HyperlaneSection> sorted = new ArrayList<>(sections);
		sorted.sort(Comparator.comparingInt((HyperlaneSection section) -> rank(section.name()))
			.thenComparing(HyperlaneSection::name));
		this.sections = List.copyOf(sorted);
	}

	private static int rank(String name) {
		int index = ORDER.indexOf(name);
		return (index >= 0) ? index : ORDER.size();
	}

	/**
	 * Describe every section, then the advice.
	 * @return the sections by name, and {@code advice}
	 */
	@ReadOperation
	public Map<String, Object> hyperlane() {
		Map<String, Object> description = new LinkedHashMap<>();
		for (HyperlaneSection section : this.sections) {
			description.put(section.name(), section.describe());
		}
		description.put("advice", advice());
		return description;
	}

	/**
	 * Describe one section.
	 * @param section the section's name, or {@code advice}
	 * @return the section, or {@code null} (404) when there is no such section
	 */
	@ReadOperation
	public @Nullable Map<String, Object> section(@Selector String section) {
		if ("advice".equals(section)) {
			return Map.of("advice", advice());
		}
		for (HyperlaneSection candidate : this.sections) {
			if (candidate.name().equals(section)) {
				return candidate.describe();
			}
		}
		return null;
	}

	private List<Map<String, Object>> advice() {
		List<Map<String, Object>> advice = new ArrayList<>();
		for (HyperlaneSection section : this.sections) {
			for (Advice finding : section.advice()) {
				Map<String, Object> entry = new LinkedHashMap<>();
				entry.put("section", section.name());
				entry.putAll(finding.describe());
				advice.add(entry);
			}
		}
		return advice;
	}

}
