package dev.hyperlane.boot.loadbalancer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.HyperlaneSection;

/**
 * The {@code loadbalancers} section of the {@code hyperlane} endpoint: per service the strategy, and per instance
 * the requests in flight, peak-EWMA latency, successes, failures, ejections, state (active, ramping, ejected) and
 * effective weight. Advises when an instance has been ejected more than once.
 */
public final class LoadBalancerSection implements HyperlaneSection {

	private final HyperlaneLoadBalancers balancers;

	/**
	 * Create the section.
	 * @param balancers the balancers shown
	 */
	public LoadBalancerSection(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public String name() {
		return "loadbalancers";
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		this.balancers.services().forEach((id, service) -> description.put(id, service.describe()));
		return description;
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		this.balancers.services().forEach((id, service) -> service.instances().forEach((key, state) -> {
			if (state.ejections() > 1) {
				advice.add(Advice.warning("service '" + id + "': instance " + key + " was ejected " + state.ejections()
						+ " times for consecutive failures", "hyperlane.loadbalancer.ejection.consecutive-failures",
						"look at that instance's health; the ejection time grows with each ejection"));
			}
		}));
		return advice;
	}

}
