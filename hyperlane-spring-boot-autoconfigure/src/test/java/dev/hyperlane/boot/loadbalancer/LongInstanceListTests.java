package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import dev.hyperlane.boot.testsupport.BoundProperties;

import org.junit.jupiter.api.Test;

import org.springframework.cloud.client.ServiceInstance;

import static dev.hyperlane.boot.loadbalancer.LoadBalancingAlgorithmsTests.instance;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the choice among many instances (a registry listing hundreds of one service): the power-of-two-choices
 * strategies draw from the list instead of reading all of it, so a choice reads a few entries whatever the list's
 * length, and they still draw in proportion to weights and slow start, leave out drained and already-tried
 * instances, and fall back to panic mode when no instance is available.
 */
class LongInstanceListTests {

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong clock = new AtomicLong();

	@Test
	void aChoiceReadsAFewEntriesWhateverTheListsLength() {
		for (LoadBalancingStrategy strategy : List.of(LoadBalancingStrategy.PEAK_EWMA,
				LoadBalancingStrategy.LEAST_REQUEST)) {
			ServiceBalancer balancer = balancer(strategy, Duration.ZERO);
			ReadCountingList listed = new ReadCountingList(instances(10_000, null));
			balancer.retainListed(listed);
			listed.reads = 0;
			for (int i = 0; i < 1000; i++) {
				assertThat(balancer.choose(listed)).isNotNull();
			}
			assertThat(listed.reads / 1000.0).as(strategy.name()).isLessThan(8);
		}
	}

	@Test
	void drawsInProportionToWeights() {
		List<ServiceInstance> listed = new ArrayList<>(instances(64, null));
		listed.set(0, instance(1, "3"));
		ServiceBalancer balancer = balancer(LoadBalancingStrategy.PEAK_EWMA, Duration.ZERO);
		int heavy = 0;
		for (int i = 0; i < 20_000; i++) {
			heavy += (balancer.choose(listed).getPort() == 1) ? 1 : 0;
		}
		// equal costs on a still clock, so the first drawn wins: weight 3 of 66 is 4.5 % (1.6 % if weights were
		// ignored)
		assertThat(heavy / 20_000.0).isBetween(0.035, 0.055);
	}

	@Test
	void aNewInstanceOfALongListRampsUpThroughSlowStart() {
		// least request: equal costs while nothing is in flight, so the draw alone decides (with peak EWMA the
		// newcomer's initial latency would also count against it)
		ServiceBalancer balancer = balancer(LoadBalancingStrategy.LEAST_REQUEST, Duration.ofSeconds(30));
		List<ServiceInstance> listed = new ArrayList<>(instances(64, null));
		balancer.retainListed(listed);
		this.clock.addAndGet(60 * SECOND);
		listed.add(instance(1000, null));
		balancer.retainListed(listed);
		int newcomer = 0;
		for (int i = 0; i < 20_000; i++) {
			newcomer += (balancer.choose(listed).getPort() == 1000) ? 1 : 0;
		}
		// at slow start's minimum weight of 10 %: 0.1 of 64.1, about 31 choices (about 310 at full weight)
		assertThat(newcomer).isBetween(5, 90);
	}

	@Test
	void drainedAndTriedInstancesAreLeftOutAndPanicModeRemains() {
		List<ServiceInstance> listed = instances(64, null);
		ServiceBalancer balancer = balancer(LoadBalancingStrategy.PEAK_EWMA, Duration.ZERO);
		balancer.retainListed(listed);
		for (int port = 1; port <= 48; port++) {
			assertThat(balancer.drain("127.0.0.1:" + port)).isTrue();
		}
		for (int i = 0; i < 2000; i++) {
			assertThat(balancer.choose(listed, Set.of("127.0.0.1:49")).getPort()).isBetween(50, 64);
		}
		assertThat(balancer.counts().get(ServiceBalancer.Count.PANIC_CHOICES)).isZero();
		for (int port = 49; port <= 64; port++) {
			balancer.drain("127.0.0.1:" + port);
		}
		assertThat(balancer.choose(listed)).isNotNull();
		assertThat(balancer.counts().get(ServiceBalancer.Count.PANIC_CHOICES)).isOne();
	}

	private ServiceBalancer balancer(LoadBalancingStrategy strategy, Duration slowStartWindow) {
		HyperlaneLoadBalancerProperties properties = BoundProperties.bind(LoadBalancerSettings.PREFIX,
				HyperlaneLoadBalancerProperties.class, "strategy=" + strategy, "slow-start.window=" + slowStartWindow);
		return new ServiceBalancer("payments", LoadBalancerSettings.of(properties),
				new PowerOfTwoChoices(new SplittableRandom(11)), this.clock::get);
	}

	private static List<ServiceInstance> instances(int count, String weight) {
		List<ServiceInstance> instances = new ArrayList<>();
		for (int port = 1; port <= count; port++) {
			instances.add(instance(port, weight));
		}
		return instances;
	}

	/** A list that counts the entries read, by index or by iteration. */
	private static final class ReadCountingList extends AbstractList<ServiceInstance> {

		private final List<ServiceInstance> instances;

		private long reads;

		ReadCountingList(List<ServiceInstance> instances) {
			this.instances = instances;
		}

		@Override
		public ServiceInstance get(int index) {
			this.reads++;
			return this.instances.get(index);
		}

		@Override
		public int size() {
			return this.instances.size();
		}

	}

}
