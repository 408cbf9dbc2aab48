package dev.hyperlane.boot.actuate;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.hyperlane.boot.SectionNames;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What {@code GET /actuator/hyperlane} answers: every section under its name, in {@link SectionNames#ORDER}, then
 * the advice. Written as one flat JSON object, {@code {"transport": {...}, "server": {...}, ..., "advice": [...]}},
 * which the live view page and the samples read.
 *
 * @param sections each section's description, keyed by its name, in display order
 * @param advice the findings of every section
 */
public record HyperlaneDescriptor(Map<String, Object> sections,
		List<AdviceDescriptor> advice) implements OperationResponseBody {

	/**
	 * Create a descriptor, keeping the order of the sections.
	 * @param sections the sections in display order
	 * @param advice the findings
	 */
	public HyperlaneDescriptor {
		sections = Collections.unmodifiableMap(new LinkedHashMap<>(sections));
		advice = List.copyOf(advice);
	}

	/**
	 * Return the JSON shape: the sections, then {@code advice}.
	 * @return an insertion-ordered map
	 */
	@JsonValue
	public Map<String, Object> json() {
		Map<String, Object> json = new LinkedHashMap<>(this.sections);
		json.put(SectionNames.ADVICE, this.advice);
		return json;
	}

}
