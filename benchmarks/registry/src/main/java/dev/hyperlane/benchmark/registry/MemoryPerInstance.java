package dev.hyperlane.benchmark.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.loadbalancer.InstanceState;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What each instance costs the caller once it has been called: garbage-collected heap (balancer state, meters,
 * connection pool and its connection), meters, and bytes of the {@code loadbalancers} endpoint section and of the
 * whole {@code hyperlane} endpoint (the document the live view reads on every poll). Per setting (1 service of 5,
 * 50 and 500 instances, 50 services of 10): one instance per service listed and called (so the service's own
 * parts, Spring Cloud's context among them, are in the baseline), then every instance listed and called at least
 * once (round robin without slow start, so every instance is reached), then back to one per service: the figures
 * must return to the baseline. Repeated, interleaved; medians.
 */
final class MemoryPerInstance {

	private static final int[][] SETTINGS = { { 1, 5 }, { 1, 50 }, { 1, 500 }, { 50, 10 } };

	private MemoryPerInstance() {
	}

	static List<String> run(int[] ports, int repetitions) {
		try (Caller caller = new Caller(ports, "hyperlane.loadbalancer.strategy=round-robin",
				"hyperlane.loadbalancer.slow-start.window=0s")) {
			List<Map<String, List<ServiceInstance>>> firsts = new ArrayList<>();
			List<Map<String, List<ServiceInstance>>> fulls = new ArrayList<>();
			for (int[] setting : SETTINGS) {
				Map<String, List<ServiceInstance>> first = new LinkedHashMap<>();
				Map<String, List<ServiceInstance>> full = new LinkedHashMap<>();
				for (int s = 0; s < setting[0]; s++) {
					String id = "m" + setting[0] + "x" + setting[1] + "-" + s;
					List<ServiceInstance> instances = new ArrayList<>();
					for (int i = 0; i < setting[1]; i++) {
						instances.add(caller.newInstance(id));
					}
					first.put(id, List.of(instances.get(0)));
					full.put(id, List.copyOf(instances));
				}
				firsts.add(first);
				fulls.add(full);
			}
			Map<String, List<Double>> results = new HashMap<>();
			List<String> residue = new ArrayList<>();
			for (int rep = 0; rep < repetitions; rep++) {
				for (int s = 0; s < SETTINGS.length; s++) {
					Figures base = figures(caller, firsts.get(s));
					Figures full = figures(caller, fulls.get(s));
					Figures back = figures(caller, firsts.get(s));
					int added = SETTINGS[s][0] * (SETTINGS[s][1] - 1);
					add(results, s, "heap", (full.heap - base.heap) / (double) added);
					add(results, s, "meters", (full.meters - base.meters) / (double) added);
					add(results, s, "pools", (full.pools - base.pools) / (double) added);
					add(results, s, "section", (full.section - base.section) / (double) added);
					add(results, s, "endpoint", (full.endpoint - base.endpoint) / (double) added);
					add(results, s, "after", back.heap - base.heap);
					if (back.meters != base.meters || back.pools != base.pools || back.section != base.section
							|| !back.settled) {
						residue.add(SETTINGS[s][0] + " x " + SETTINGS[s][1] + " repetition " + (rep + 1)
								+ ": meters " + base.meters + " -> " + back.meters + ", pools " + base.pools + " -> "
								+ back.pools + ", section bytes " + base.section + " -> " + back.section
								+ ", settled " + back.settled);
					}
				}
			}
			List<String> lines = new ArrayList<>();
			lines.add("| services x instances each | heap per instance (bytes) | meters per instance | pools per"
					+ " instance | `loadbalancers` section bytes per instance | whole endpoint (live view) bytes per"
					+ " instance | heap back at one instance per service, minus the baseline (bytes) |");
			lines.add("|---|---|---|---|---|---|---|");
			for (int s = 0; s < SETTINGS.length; s++) {
				lines.add("| " + SETTINGS[s][0] + " x " + SETTINGS[s][1] + " | "
						+ Stats.summary(results.get(s + "heap"), "%.0f") + " | "
						+ Stats.summary(results.get(s + "meters"), "%.1f") + " | "
						+ Stats.summary(results.get(s + "pools"), "%.2f") + " | "
						+ Stats.summary(results.get(s + "section"), "%.0f") + " | "
						+ Stats.summary(results.get(s + "endpoint"), "%.0f") + " | "
						+ Stats.summary(results.get(s + "after"), "%.0f") + " |");
			}
			lines.add("");
			lines.add(residue.isEmpty() ? "Back at one instance per service, every repetition: meters, pools and"
					+ " the section's size equal to the baseline's." : "Residue: " + String.join("; ", residue));
			lines.add("Calls that failed: " + caller.failures.get() + ".");
			return lines;
		}
	}

	private static void add(Map<String, List<Double>> results, int setting, String what, double value) {
		results.computeIfAbsent(setting + what, (key) -> new ArrayList<>()).add(value);
	}

	/** List the instances, call each at least once, let the balancer follow, and read the figures. */
	private static Figures figures(Caller caller, Map<String, List<ServiceInstance>> lists) {
		caller.listing.set(lists);
		boolean settled = caller.settle();
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		while (!allCalled(caller, lists) && System.nanoTime() < deadline) {
			List<String> calls = new ArrayList<>();
			lists.forEach((id, instances) -> instances.forEach((instance) -> calls.add(id)));
			caller.calls(calls, 32);
		}
		settled &= caller.settle();
		long heap = Caller.collectedHeap();
		return new Figures(heap, caller.meters().size(), caller.pools().size(),
				caller.read("/actuator/hyperlane/loadbalancers").length(), caller.read("/actuator/hyperlane").length(),
				settled && allCalled(caller, lists));
	}

	private static boolean allCalled(Caller caller, Map<String, List<ServiceInstance>> lists) {
		for (Map.Entry<String, List<ServiceInstance>> entry : lists.entrySet()) {
			Map<String, InstanceState> states = caller.balancers().service(entry.getKey()).serviceInstances().states();
			for (ServiceInstance instance : entry.getValue()) {
				InstanceState state = states.get(Caller.address(instance));
				if (state == null || state.successes() == 0) {
					return false;
				}
			}
		}
		return true;
	}

	private record Figures(long heap, int meters, int pools, int section, int endpoint, boolean settled) {
	}

}
