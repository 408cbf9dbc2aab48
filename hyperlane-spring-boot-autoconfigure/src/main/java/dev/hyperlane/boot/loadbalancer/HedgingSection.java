package dev.hyperlane.boot.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;

/**
 * The {@code hedging} section of the {@code hyperlane} endpoint: per hedged service its delay, hedges sent, hedges
 * that won and budget refusals.
 *
 * @param name the section's name, {@link SectionNames#HEDGING}
 * @param hedges the hedging shown
 */
public record HedgingSection(String name, Hedges hedges) implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#HEDGING}.
	 * @param hedges the hedging shown
	 */
	public HedgingSection(Hedges hedges) {
		this(SectionNames.HEDGING, hedges);
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> services = new LinkedHashMap<>();
		this.hedges.services().forEach((id, hedging) -> services.put(id, hedging.describe()));
		return Map.of("services", services);
	}

}
