package dev.hyperlane.boot.loadbalancer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Smooth weighted round robin, the rotation nginx uses for weighted upstreams: with equal weights a plain rotation,
 * with weights 3:1:1 the heavier instance's turns are spread evenly. Spring Cloud LoadBalancer's default, whatever
 * the latency. The rotation of instances that left the list is dropped on the next choice.
 */
final class RoundRobinSelector implements InstanceSelector {

	private final Map<String, Double> rotation = new HashMap<>();

	@Override
	public synchronized InstanceState select(List<InstanceState> candidates, ToDoubleFunction<InstanceState> weight,
			long nowNanos) {
		if (this.rotation.size() > candidates.size() * 2) {
			this.rotation.keySet().retainAll(candidates.stream().map(InstanceState::id).toList());
		}
		double total = 0;
		InstanceState best = candidates.get(0);
		double bestCurrent = Double.NEGATIVE_INFINITY;
		for (InstanceState candidate : candidates) {
			double candidateWeight = weight.applyAsDouble(candidate);
			total += candidateWeight;
			double current = this.rotation.merge(candidate.id(), candidateWeight, Double::sum);
			if (current > bestCurrent) {
				bestCurrent = current;
				best = candidate;
			}
		}
		this.rotation.put(best.id(), bestCurrent - total);
		return best;
	}

}
