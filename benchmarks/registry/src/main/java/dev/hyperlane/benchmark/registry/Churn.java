package dev.hyperlane.benchmark.registry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.Disposable;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Membership churn under load: one service of 500 instances and 49 of 10 (990 instances in 50 services), called
 * without pause through the {@code @LoadBalanced WebClient} (starter defaults: peak-EWMA, slow start), while the
 * oldest instances are replaced by new ones at new addresses, 10 % of every service's instances per churn minute,
 * for ten churn minutes. A churn minute may be shorter than a minute (the same changes, faster; each instance stays
 * listed for ten churn minutes). Departed instances keep answering, as an instance does while it drains.
 * <p>
 * Before and after: the garbage-collected heap, meters, pools and endpoint size at one instance per service; after
 * the churn, with every service settled: no balancer state, pool, meter or endpoint entry names a departed address,
 * and the states are exactly the listed instances.
 */
final class Churn {

	private static final int BIG = 500;

	private static final int SMALL = 10;

	private static final int SMALL_SERVICES = 49;

	private static final int STEPS_PER_MINUTE = 10;

	private Churn() {
	}

	static List<String> run(int[] ports, int minutes, Duration minute) {
		try (Caller caller = new Caller(ports)) {
			List<String> services = new ArrayList<>();
			services.add("big");
			for (int s = 1; s <= SMALL_SERVICES; s++) {
				services.add("small-" + s);
			}
			// baseline: one instance per service, each service's own parts created
			Baseline before = baseline(caller, services);
			Map<String, Deque<ServiceInstance>> live = new LinkedHashMap<>();
			for (String id : services) {
				Deque<ServiceInstance> instances = new ArrayDeque<>();
				for (int i = 0, n = id.equals("big") ? BIG : SMALL; i < n; i++) {
					instances.add(caller.newInstance(id));
				}
				live.put(id, instances);
			}
			publish(caller, live);
			AtomicLong calls = new AtomicLong();
			Disposable load = load(caller, services, calls);
			Caller.pause(Duration.ofSeconds(5));
			long failuresBefore = caller.failures.get();
			long callsBefore = calls.get();
			Set<String> departed = new HashSet<>();
			int bigPerStep = BIG / 10 / STEPS_PER_MINUTE;
			int smallPerStep = (SMALL_SERVICES * SMALL / 10 + STEPS_PER_MINUTE - 1) / STEPS_PER_MINUTE;
			int smallNext = 0;
			long stepNanos = minute.toNanos() / STEPS_PER_MINUTE;
			long start = System.nanoTime();
			int changes = 0;
			for (int step = 0; step < minutes * STEPS_PER_MINUTE; step++) {
				for (int i = 0; i < bigPerStep; i++) {
					departed.add(replace(caller, live.get("big")));
					changes++;
				}
				for (int i = 0; i < smallPerStep; i++) {
					departed.add(replace(caller, live.get(services.get(1 + smallNext))));
					smallNext = (smallNext + 1) % SMALL_SERVICES;
					changes++;
				}
				publish(caller, live);
				long due = start + (step + 1) * stepNanos;
				long wait = due - System.nanoTime();
				if (wait > 0) {
					Caller.pause(Duration.ofNanos(wait));
				}
			}
			Duration churned = Duration.ofNanos(System.nanoTime() - start);
			Caller.pause(Duration.ofSeconds(2));
			load.dispose();
			Caller.pause(Duration.ofSeconds(1));
			long churnCalls = calls.get() - callsBefore;
			long churnFailures = caller.failures.get() - failuresBefore;
			boolean settled = caller.settle();
			Set<String> listed = new HashSet<>();
			live.values().forEach((instances) -> instances.forEach((i) -> listed.add(Caller.address(i))));
			Set<String> kept = new HashSet<>();
			caller.states().values().forEach(kept::addAll);
			Set<String> pools = caller.pools();
			Set<String> meters = caller.meterAddresses();
			String section = caller.read("/actuator/hyperlane/loadbalancers");
			int inSection = 0;
			for (String address : departed) {
				if (section.contains("\"" + address + "\"")) {
					inSection++;
				}
			}
			List<String> lines = new ArrayList<>();
			lines.add("Churn: " + minutes + " churn minutes of " + minute.toMillis() + " ms (" + churned.toMillis()
					+ " ms in all), " + changes + " instances replaced (" + bigPerStep * STEPS_PER_MINUTE
					+ " of big's 500 and " + smallPerStep * STEPS_PER_MINUTE + " of the 490 small services'"
					+ " instances per churn minute), " + churnCalls + " calls during the churn, " + churnFailures
					+ " failed.");
			lines.add("");
			lines.add("| after the churn | listed now | departed |");
			lines.add("|---|---|---|");
			lines.add(row("balancer states", kept, listed, departed));
			lines.add(row("connection pools", pools, listed, departed));
			lines.add(row("addresses named by a meter tag", meters, listed, departed));
			lines.add("| `loadbalancers` section entries | " + count(section, "\"inFlight\"") + " of " + listed.size()
					+ " | " + inSection + " |");
			lines.add("");
			lines.add("States equal the listed instances after settling: " + (settled && kept.equals(listed)) + ".");
			Baseline after = baseline(caller, services);
			lines.add("");
			lines.add("| at one instance per service | before the churn | after it |");
			lines.add("|---|---|---|");
			lines.add("| heap after full GC (KB) | " + before.heap / 1024 + " | " + after.heap / 1024 + " |");
			lines.add("| meters | " + before.meters + " | " + after.meters + " |");
			lines.add("| connection pools | " + before.pools + " | " + after.pools + " |");
			lines.add("| `loadbalancers` section (bytes) | " + before.section + " | " + after.section + " |");
			lines.add("| balancer states | " + before.states + " | " + after.states + " |");
			return lines;
		}
	}

	private static String row(String what, Set<String> found, Set<String> listed, Set<String> departed) {
		int ofListed = 0;
		int ofDeparted = 0;
		for (String address : found) {
			if (listed.contains(address)) {
				ofListed++;
			}
			if (departed.contains(address)) {
				ofDeparted++;
			}
		}
		return "| " + what + " | " + ofListed + " of " + listed.size() + " | " + ofDeparted + " (others: "
				+ (found.size() - ofListed - ofDeparted) + ") |";
	}

	private static int count(String text, String part) {
		int count = 0;
		for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
			count++;
		}
		return count;
	}

	/** Replace the oldest instance of a service by a new one; returns the departed address. */
	private static String replace(Caller caller, Deque<ServiceInstance> instances) {
		ServiceInstance gone = instances.removeFirst();
		instances.addLast(caller.newInstance(gone.getServiceId()));
		return Caller.address(gone);
	}

	private static void publish(Caller caller, Map<String, Deque<ServiceInstance>> live) {
		Map<String, List<ServiceInstance>> lists = new LinkedHashMap<>();
		live.forEach((id, instances) -> lists.put(id, List.copyOf(instances)));
		caller.listing.set(lists);
	}

	/** Calls without pause, at most 64 at a time, half to the big service, half to a random small one. */
	private static Disposable load(Caller caller, List<String> services, AtomicLong calls) {
		return Flux.interval(Duration.ofMillis(2))
			.onBackpressureDrop()
			.flatMap((tick) -> {
				ThreadLocalRandom random = ThreadLocalRandom.current();
				String id = random.nextBoolean() ? "big" : services.get(1 + random.nextInt(SMALL_SERVICES));
				return caller.call(id).doFinally((signal) -> calls.incrementAndGet());
			}, 64)
			.subscribe();
	}

	private static Baseline baseline(Caller caller, List<String> services) {
		Map<String, List<ServiceInstance>> lists = new LinkedHashMap<>();
		for (String id : services) {
			lists.put(id, List.of(caller.newInstance(id)));
		}
		caller.listing.set(lists);
		caller.settle();
		List<String> calls = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			calls.addAll(services);
		}
		caller.calls(calls, 16);
		caller.settle();
		int states = caller.states().values().stream().mapToInt(Set::size).sum();
		return new Baseline(Caller.collectedHeap(), caller.meters().size(), caller.pools().size(),
				caller.read("/actuator/hyperlane/loadbalancers").length(), states);
	}

	private record Baseline(long heap, int meters, int pools, int section, int states) {
	}

}
