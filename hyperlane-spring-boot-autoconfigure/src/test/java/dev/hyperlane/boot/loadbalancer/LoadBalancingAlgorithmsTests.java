package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.offset;

/**
 * Tests for the balancing algorithms on a simulated clock: peak EWMA, slow start, outlier ejection, and power of
 * two choices steering traffic away from a slow instance.
 */
class LoadBalancingAlgorithmsTests {

	private static final long MS = 1_000_000L;

	private static final SlowStart NO_SLOW_START = new SlowStart(Duration.ZERO, 1.0, 0.1);

	private static final OutlierEjection EJECTION = new OutlierEjection(5, Duration.ofSeconds(30),
			Duration.ofSeconds(300), 50);

	@Test
	void peakEwmaJumpsToSlowerSamplesAndDecaysTowardsFasterOnes() {
		PeakEwma ewma = new PeakEwma(Duration.ofMillis(10), Duration.ofSeconds(10), 0);
		ewma.observe(100 * MS, 1 * MS);
		assertThat(ewma.averageNanos()).isEqualTo(100 * MS);
		ewma.observe(0, 10_001 * MS);
		assertThat(ewma.averageNanos()).isCloseTo(100 * MS * Math.exp(-1), offset(MS * 1.0));
		assertThat(ewma.cost(3, 10_001 * MS)).isEqualTo(ewma.averageNanos() * 4);
		// a sample between the decayed average and the old peak is a new peak
		ewma.observe(50 * MS, 10_002 * MS);
		assertThat(ewma.averageNanos()).isEqualTo(50 * MS);
	}

	@Test
	void peakEwmaOfAnIdleInstanceDecaysTowardsZeroSoItIsTriedAgain() {
		PeakEwma ewma = new PeakEwma(Duration.ofMillis(10), Duration.ofSeconds(10), 0);
		ewma.observe(1000 * MS, 0);
		assertThat(ewma.averageNanos(0)).isEqualTo(1000 * MS);
		assertThat(ewma.averageNanos(10_000 * MS)).isCloseTo(1000 * MS * Math.exp(-1), offset(MS * 1.0));
		// after about 70 s without samples a 1 s failure penalty is below 1 ms
		assertThat(ewma.averageNanos(70_000 * MS)).isLessThan(1.0 * MS);
		assertThat(ewma.averageNanos()).isEqualTo(1000 * MS);
	}

	@Test
	void slowStartFollowsEnvoysFormula() {
		SlowStart slowStart = new SlowStart(Duration.ofSeconds(30), 1.0, 0.1);
		assertThat(slowStart.factor(Duration.ZERO)).isEqualTo(0.1);
		assertThat(slowStart.factor(Duration.ofSeconds(15))).isEqualTo(0.5);
		assertThat(slowStart.factor(Duration.ofSeconds(30))).isEqualTo(1.0);
		assertThat(new SlowStart(Duration.ofSeconds(30), 2.0, 0.1).factor(Duration.ofSeconds(15)))
			.isCloseTo(Math.sqrt(0.5), offset(1e-9));
		assertThatIllegalArgumentException().isThrownBy(() -> new SlowStart(Duration.ofSeconds(1), 0, 0.1));
	}

	@Test
	void ejectionTimeGrowsWithEachEjectionUpToTheCap() {
		assertThat(EJECTION.ejectionTime(1)).isEqualTo(Duration.ofSeconds(30));
		assertThat(EJECTION.ejectionTime(3)).isEqualTo(Duration.ofSeconds(90));
		assertThat(EJECTION.ejectionTime(20)).isEqualTo(Duration.ofSeconds(300));
		assertThat(EJECTION.mayEject(0, 3)).isTrue();
		assertThat(EJECTION.mayEject(1, 3)).isFalse();
	}

	@Test
	void consecutiveFailuresEjectAnInstanceWhichThenRampsUp() {
		SlowStart slowStart = new SlowStart(Duration.ofSeconds(30), 1.0, 0.1);
		InstanceState instance = new InstanceState("a", 1.0, Duration.ofMillis(5), Duration.ofSeconds(10), 0);
		long now = 60_000 * MS;
		for (int i = 0; i < 4; i++) {
			instance.start();
			instance.finish(MS, true, 500 * MS, EJECTION, true, now);
		}
		assertThat(instance.isEjected(now)).isFalse();
		instance.start();
		instance.finish(MS, true, 500 * MS, EJECTION, true, now);
		assertThat(instance.isEjected(now)).isTrue();
		assertThat(instance.isEjected(now + 29_999 * MS)).isTrue();
		assertThat(instance.isEjected(now + 30_000 * MS)).isFalse();
		assertThat(instance.effectiveWeight(slowStart, now + 30_000 * MS)).isEqualTo(0.1);
		// back from its ejection as a new instance: the failure penalty is forgotten
		assertThat(instance.latencyNanos(now + 29_999 * MS)).isGreaterThan(20 * MS);
		assertThat(instance.latencyNanos(now + 30_000 * MS)).isEqualTo(5 * MS);
		assertThat(instance.effectiveWeight(slowStart, now + 60_000 * MS)).isEqualTo(1.0);
		assertThat(instance.failures()).isEqualTo(5);
		assertThat(instance.ejections()).isEqualTo(1);
	}

	@Test
	void peakEwmaPowerOfTwoChoicesAvoidsASlowInstance() {
		Map<String, Long> latencies = Map.of("fast-1", 1 * MS, "fast-2", 1 * MS, "slow", 51 * MS);
		List<InstanceState> instances = latencies.keySet()
			.stream()
			.sorted()
			.map((id) -> new InstanceState(id, 1.0, Duration.ofMillis(5), Duration.ofSeconds(10), 0))
			.toList();
		Map<String, AtomicInteger> shares = simulate(instances, latencies, 3000, 16);
		assertThat(shares.get("slow").get()).isLessThan(300);
		assertThat(shares.get("fast-1").get() + shares.get("fast-2").get()).isGreaterThan(2700);
	}

	@Test
	void panicModeBalancesOverEveryInstanceWhenAllAreEjected() {
		PowerOfTwoChoices chooser = new PowerOfTwoChoices(new SplittableRandom(1));
		InstanceState a = new InstanceState("a", 1.0, Duration.ofMillis(5), Duration.ofSeconds(10), 0);
		InstanceState b = new InstanceState("b", 1.0, Duration.ofMillis(5), Duration.ofSeconds(10), 0);
		assertThat(chooser.choose(List.of(a, b), (i) -> 1.0, (i) -> 1.0, (i) -> false)).isIn(a, b);
		assertThat(chooser.choose(List.of(), (i) -> 1.0, (i) -> 1.0, (i) -> true)).isNull();
	}

	private static Map<String, AtomicInteger> simulate(List<InstanceState> instances, Map<String, Long> latencies,
			int requests, int concurrency) {
		PowerOfTwoChoices chooser = new PowerOfTwoChoices(new SplittableRandom(42));
		Map<String, AtomicInteger> shares = new ConcurrentHashMap<>();
		instances.forEach((instance) -> shares.put(instance.id(), new AtomicInteger()));
		PriorityQueue<long[]> completions = new PriorityQueue<>((x, y) -> Long.compare(x[0], y[0]));
		long now = 0;
		int sent = 0;
		while (sent < requests || !completions.isEmpty()) {
			while (sent < requests && completions.size() < concurrency) {
				long start = now;
				InstanceState chosen = chooser.choose(instances, (i) -> i.cost(start),
						(i) -> i.effectiveWeight(NO_SLOW_START, start), (i) -> !i.isEjected(start));
				chosen.start();
				shares.get(chosen.id()).incrementAndGet();
				completions.add(new long[] { now + latencies.get(chosen.id()), instances.indexOf(chosen), now });
				sent++;
			}
			long[] next = completions.poll();
			now = next[0];
			instances.get((int) next[1]).finish(next[0] - next[2], false, 0, EJECTION, true, now);
		}
		return shares;
	}

	@Test
	void everyStrategyHonoursInstanceWeights() {
		List<ServiceInstance> instances = List.of(instance(1, "3"), instance(2, null), instance(3, null));
		for (LoadBalancingStrategy strategy : LoadBalancingStrategy.values()) {
			HyperlaneLoadBalancerProperties properties = new HyperlaneLoadBalancerProperties();
			properties.setStrategy(strategy);
			properties.getSlowStart().setWindow(Duration.ZERO);
			ServiceBalancer balancer = new ServiceBalancer("payments", LoadBalancerSettings.of(properties),
					new PowerOfTwoChoices(new SplittableRandom(7)), () -> 0L);
			Map<Integer, AtomicInteger> chosen = new ConcurrentHashMap<>();
			for (int i = 0; i < 5000; i++) {
				ServiceInstance instance = balancer.choose(instances);
				chosen.computeIfAbsent(instance.getPort(), (port) -> new AtomicInteger()).incrementAndGet();
			}
			// weight 3 of 5: 60 %; round robin exactly, the randomised strategies within a few per cent
			assertThat(chosen.get(1).get() / 5000.0).as(strategy.name()).isCloseTo(0.6, offset(0.05));
		}
	}

	@Test
	void drainedInstanceIsLeftOutUntilRestoredAndExcludedInstancesAreSkipped() {
		List<ServiceInstance> instances = List.of(instance(1, null), instance(2, null));
		HyperlaneLoadBalancerProperties properties = new HyperlaneLoadBalancerProperties();
		ServiceBalancer balancer = new ServiceBalancer("payments", LoadBalancerSettings.of(properties),
				new PowerOfTwoChoices(new SplittableRandom(7)), () -> 0L);
		balancer.choose(instances);
		assertThat(balancer.drain("127.0.0.1:1")).isTrue();
		assertThat(balancer.drain("127.0.0.1:9")).isFalse();
		for (int i = 0; i < 100; i++) {
			assertThat(balancer.choose(instances).getPort()).isEqualTo(2);
		}
		assertThat(balancer.restore("127.0.0.1:1")).isTrue();
		assertThat(balancer.choose(instances, Set.of("127.0.0.1:2")).getPort()).isEqualTo(1);
		// excluding every instance leaves the choice open rather than empty
		assertThat(balancer.choose(instances, Set.of("127.0.0.1:1", "127.0.0.1:2"))).isNotNull();
	}

	private static ServiceInstance instance(int port, String weight) {
		DefaultServiceInstance instance = new DefaultServiceInstance("payments-" + port, "payments", "127.0.0.1",
				port, false);
		if (weight != null) {
			instance.getMetadata().put("weight", weight);
		}
		return instance;
	}

}
