package dev.hyperlane.boot.loadbalancer;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;

/**
 * The {@code hedging} section of the {@code hyperlane} endpoint: per hedged service its delay, hedges sent, hedges
 * that won and budget refusals.
 *
 * @param hedges the hedging shown
 */
public record HedgingSection(Hedges hedges) implements HyperlaneSection {

	@Override
	public String name() {
		return SectionNames.HEDGING;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> services = new LinkedHashMap<>();
		this.hedges.services().forEach((id, hedging) -> services.put(id, hedging.describe()));
		return Map.of("services", services);
	}

}
