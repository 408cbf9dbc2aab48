package dev.hyperlane.boot.deadline;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;

/**
 * The {@code deadline} section of the {@code hyperlane} endpoint: the settings applied (headers read, header
 * written, largest budget, default budget) and the counts of {@link DeadlineStatistics}.
 *
 * @param name the section's name, {@link SectionNames#DEADLINE}
 * @param properties the properties bound
 * @param headers the headers applied
 * @param statistics the figures shown
 */
public record DeadlineSection(String name, HyperlaneDeadlineProperties properties, DeadlineHeaders headers,
		DeadlineStatistics statistics) implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#DEADLINE}.
	 * @param properties the properties bound
	 * @param headers the headers applied
	 * @param statistics the figures shown
	 */
	public DeadlineSection(HyperlaneDeadlineProperties properties, DeadlineHeaders headers,
			DeadlineStatistics statistics) {
		this(SectionNames.DEADLINE, properties, headers, statistics);
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> settings = new LinkedHashMap<>();
		settings.put("headers", this.headers.names());
		settings.put("outgoingHeader", this.headers.outgoing());
		settings.put("maxBudget", this.properties.maxBudget().toString());
		settings.put("defaultBudget",
				(this.properties.defaultBudget() != null) ? this.properties.defaultBudget().toString() : "none");
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("settings", settings);
		description.putAll(this.statistics.counts().toMap());
		return description;
	}

}
