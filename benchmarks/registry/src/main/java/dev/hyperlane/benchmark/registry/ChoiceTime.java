package dev.hyperlane.benchmark.registry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import dev.hyperlane.boot.loadbalancer.ServiceBalancer;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ReactorLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;

/**
 * Time per choice of an instance, on one thread, for 1 and 50 services of 5, 50 and 500 instances each, three
 * ways: the starter's choice alone ({@link ServiceBalancer#choose} over a list), the starter's balancer as Spring
 * Cloud LoadBalancer calls it ({@code ReactorLoadBalancer.choose()}: the discovery client's list, then the choice),
 * and Spring Cloud's own round robin the same way. No calls are made. A warm-up cycles through every setting, then
 * each repetition measures every setting and way in turn for a fixed window (a bounded timed loop, calls rotating
 * over the setting's services).
 */
final class ChoiceTime {

	private static final int[][] SETTINGS = { { 1, 5 }, { 1, 50 }, { 1, 500 }, { 50, 5 }, { 50, 50 }, { 50, 500 } };

	private static final String[] WAYS = { "starter's choice alone", "starter's balancer through Spring Cloud",
			"Spring Cloud round robin through Spring Cloud" };

	private static volatile int sink;

	private ChoiceTime() {
	}

	static List<String> run(Duration warmup, Duration window, int repetitions) {
		try (Caller caller = new Caller(new int[0])) {
			Map<String, List<ServiceInstance>> lists = new LinkedHashMap<>();
			List<List<String>> ids = new ArrayList<>();
			for (int[] setting : SETTINGS) {
				List<String> services = new ArrayList<>();
				for (int s = 0; s < setting[0]; s++) {
					String id = "c" + setting[0] + "x" + setting[1] + "-" + s;
					services.add(id);
					List<ServiceInstance> instances = new ArrayList<>();
					for (int i = 0; i < setting[1]; i++) {
						instances.add(caller.newInstance(id));
					}
					lists.put(id, List.copyOf(instances));
				}
				ids.add(services);
			}
			caller.listing.set(lists);
			LoadBalancerClientFactory factory = caller.context.getBean(LoadBalancerClientFactory.class);
			List<Runnable[]> calls = new ArrayList<>();
			for (List<String> services : ids) {
				int n = services.size();
				ServiceBalancer[] starter = new ServiceBalancer[n];
				List<?>[] list = new List<?>[n];
				ReactorLoadBalancer<?>[] spring = new ReactorLoadBalancer<?>[n];
				RoundRobinLoadBalancer[] roundRobin = new RoundRobinLoadBalancer[n];
				for (int s = 0; s < n; s++) {
					String id = services.get(s);
					starter[s] = caller.balancers().service(id);
					list[s] = lists.get(id);
					spring[s] = (ReactorLoadBalancer<?>) factory.getInstance(id);
					roundRobin[s] = new RoundRobinLoadBalancer(
							factory.getLazyProvider(id, ServiceInstanceListSupplier.class), id);
				}
				calls.add(new Runnable[] { rotating(n, (s) -> () -> choose(starter[s], list[s])),
						rotating(n, (s) -> () -> consume(spring[s].choose().block())),
						rotating(n, (s) -> () -> consume(roundRobin[s].choose().block())) });
			}
			long warmupEnd = System.nanoTime() + warmup.toNanos();
			while (System.nanoTime() < warmupEnd) {
				for (Runnable[] setting : calls) {
					for (Runnable way : setting) {
						nanosPerCall(way, Duration.ofMillis(200));
					}
				}
			}
			Map<String, List<Double>> results = new LinkedHashMap<>();
			for (int rep = 0; rep < repetitions; rep++) {
				for (int s = 0; s < SETTINGS.length; s++) {
					for (int w = 0; w < WAYS.length; w++) {
						results.computeIfAbsent(s + "/" + w, (key) -> new ArrayList<>())
							.add(nanosPerCall(calls.get(s)[w], window));
					}
				}
			}
			List<String> lines = new ArrayList<>();
			lines.add("| services x instances each | " + String.join(" | ", WAYS) + " |");
			lines.add("|---|---|---|---|");
			for (int s = 0; s < SETTINGS.length; s++) {
				StringBuilder line = new StringBuilder("| " + SETTINGS[s][0] + " x " + SETTINGS[s][1] + " |");
				for (int w = 0; w < WAYS.length; w++) {
					line.append(' ').append(Stats.summary(results.get(s + "/" + w), "%.0f")).append(" |");
				}
				lines.add(line.toString());
			}
			return lines;
		}
	}

	/** A call that rotates over a setting's services, one per call. */
	private static Runnable rotating(int services, IntFunction<Runnable> call) {
		Runnable[] each = new Runnable[services];
		for (int s = 0; s < services; s++) {
			each[s] = call.apply(s);
		}
		int[] next = { 0 };
		return () -> {
			int s = next[0];
			next[0] = (s + 1 == services) ? 0 : s + 1;
			each[s].run();
		};
	}

	@SuppressWarnings("unchecked")
	private static void choose(ServiceBalancer balancer, List<?> list) {
		ServiceInstance chosen = balancer.choose((List<ServiceInstance>) list);
		sink ^= (chosen != null) ? chosen.getPort() : 0;
	}

	private static void consume(Response<?> response) {
		sink ^= (response != null && response.hasServer()) ? 1 : 0;
	}

	private static double nanosPerCall(Runnable call, Duration window) {
		long start = System.nanoTime();
		long end = start + window.toNanos();
		long calls = 0;
		long now;
		do {
			for (int i = 0; i < 32; i++) {
				call.run();
			}
			calls += 32;
			now = System.nanoTime();
		}
		while (now < end);
		return (double) (now - start) / calls;
	}

}
