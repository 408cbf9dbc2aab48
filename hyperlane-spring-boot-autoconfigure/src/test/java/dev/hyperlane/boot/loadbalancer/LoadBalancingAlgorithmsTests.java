package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntToLongFunction;

import dev.hyperlane.boot.testsupport.BoundProperties;

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
	void peakEwmaKeepsThePlainAverageOfTheSameSamplesBesideItsPeak() {
		PeakEwma ewma = new PeakEwma(Duration.ofMillis(10), Duration.ofSeconds(10), 0);
		for (int i = 1; i <= 1000; i++) {
			// 2 ms answers, and a 100 ms stall every 100th
			ewma.observe(((i % 100) == 0) ? 100 * MS : 2 * MS, i * 10 * MS);
		}
		assertThat(ewma.samples()).isEqualTo(1000);
		assertThat(ewma.averageNanos()).isGreaterThan(90 * MS);
		assertThat(ewma.meanNanos(10_000 * MS)).isLessThan(10 * MS);
	}

	@Test
	void anInstanceTwiceAsSlowOnAverageLosesToTheOtherWhateverThePeaksAndRequestsInFlight() {
		InstanceState fast = instance("fast");
		InstanceState slow = instance("slow");
		// new instances are left to slow start: no outlier before ten answers each
		assertThat(slow.isLatencyOutlier(fast, 0)).isFalse();
		long now = 0;
		for (int i = 0; i < 500; i++) {
			now += 100 * MS;
			fast.start();
			slow.start();
			// the caller stalls now and then: every instance sees the same 100 ms peaks
			fast.finish(((i % 10) == 9) ? 100 * MS : 2 * MS, false, 0, EJECTION, true, now);
			slow.finish(((i % 10) == 9) ? 150 * MS : 52 * MS, false, 0, EJECTION, true, now);
		}
		for (int i = 0; i < 40; i++) {
			fast.start();
		}
		long at = now;
		// peak EWMA times requests in flight alone would prefer the slow one now
		assertThat(slow.cost(at)).isLessThan(fast.cost(at));
		assertThat(slow.isLatencyOutlier(fast, at)).isTrue();
		assertThat(fast.isLatencyOutlier(slow, at)).isFalse();
		TwoChoicesSelector selector = new TwoChoicesSelector(new PowerOfTwoChoices(new SplittableRandom(7)),
				InstanceState::cost, true);
		for (int i = 0; i < 20; i++) {
			assertThat(selector.select(List.of(fast, slow), (state) -> 1.0, at)).isSameAs(fast);
		}
		// least request has no such rule
		TwoChoicesSelector leastRequest = new TwoChoicesSelector(new PowerOfTwoChoices(new SplittableRandom(7)),
				(state, time) -> state.inFlight(), false);
		assertThat(leastRequest.select(List.of(fast, slow), (state) -> 1.0, at)).isSameAs(slow);
		// without requests the outlier's average decays towards zero, and it is tried again
		assertThat(slow.isLatencyOutlier(fast, at + 60_000 * MS)).isFalse();
	}

	@Test
	void anInstanceWhoseFastestAnswersAreTwiceAsSlowLosesWhenTheCallersQueueingHidesItFromTheAverages() {
		InstanceState fast = instance("fast");
		InstanceState slow = instance("slow");
		// a caller short of CPU: every answer waits 0 to 159 ms in its own queue, 80 ms on average
		long now = answerEach(MS, fast, (i) -> (i % 160) * MS + MS, slow, (i) -> (i % 160) * MS + 51 * MS);
		// the averages are 81 and 131 ms: not twice apart
		assertThat(slow.meanLatencyNanos(now)).isLessThan(2 * fast.meanLatencyNanos(now));
		assertThat(slow.floorLatencyNanos(now)).isGreaterThan(40.0 * MS);
		assertThat(fast.floorLatencyNanos(now)).isLessThan(2.0 * MS);
		assertThat(slow.isLatencyOutlier(fast, now)).isTrue();
		assertThat(fast.isLatencyOutlier(slow, now)).isFalse();
		// without requests the outlier's floor decays towards zero as its average does, and it is tried again
		assertThat(slow.isLatencyOutlier(fast, now + 60_000 * MS)).isFalse();
	}

	@Test
	void anInstanceTwiceAsSlowOnAverageIsTheOutlierWhateverItsFloor() {
		InstanceState steady = instance("steady");
		InstanceState spiky = instance("spiky");
		// the spiky one answers fast mostly, slow every tenth time: 31 ms on average, against a floor of 1 ms
		long now = answerEach(10 * MS, steady, (i) -> 12 * MS, spiky, (i) -> ((i % 10) == 9) ? 301 * MS : MS);
		assertThat(steady.isLatencyOutlier(spiky, now)).isFalse();
		assertThat(spiky.isLatencyOutlier(steady, now)).isTrue();
	}

	private static InstanceState instance(String id) {
		return new InstanceState(id, 1, Duration.ofMillis(30), Duration.ofSeconds(10), 0);
	}

	/**
	 * Answer 2000 calls on each of two instances, one on each every step, the i-th taking the round trip given for i.
	 * @return the time of the last answers
	 */
	private static long answerEach(long stepNanos, InstanceState first, IntToLongFunction firstNanos,
			InstanceState second, IntToLongFunction secondNanos) {
		long now = 0;
		for (int i = 0; i < 2000; i++) {
			now += stepNanos;
			first.start();
			first.finish(firstNanos.applyAsLong(i), false, 0, EJECTION, true, now);
			second.start();
			second.finish(secondNanos.applyAsLong(i), false, 0, EJECTION, true, now);
		}
		return now;
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
			HyperlaneLoadBalancerProperties properties = BoundProperties.bind(LoadBalancerSettings.PREFIX,
					HyperlaneLoadBalancerProperties.class, "strategy=" + strategy, "slow-start.window=0s");
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
		HyperlaneLoadBalancerProperties properties = BoundProperties.bind(LoadBalancerSettings.PREFIX,
				HyperlaneLoadBalancerProperties.class);
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

	static ServiceInstance instance(int port, String weight) {
		DefaultServiceInstance instance = new DefaultServiceInstance("payments-" + port, "payments", "127.0.0.1",
				port, false);
		if (weight != null) {
			instance.getMetadata().put("weight", weight);
		}
		return instance;
	}

}
