package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import dev.hyperlane.boot.client.ClientStatistics;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.loadbalancer.LoadBalancerFaultTests.Instance;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.simple.InstanceProperties;
import org.springframework.cloud.client.discovery.simple.SimpleDiscoveryProperties;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryProperties;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Instances that come and go, through Spring Cloud's simple discovery client whose list the test changes while
 * calls run (real Reactor Netty instances on port 0, no instance-list cache): an instance that leaves the list
 * leaves no balancer state, connection pool, pool meter, instance meter or endpoint entry behind; a new one gets
 * traffic through slow start within seconds; and a loop of replacements leaves as much as one instance would.
 */
@Timeout(120)
class LoadBalancerMembershipTests {

	private final List<Instance> instances = new ArrayList<>();

	@AfterEach
	void stopInstances() {
		this.instances.forEach(Instance::stop);
	}

	@Test
	void instancesThatLeaveTheListLeaveNoStatePoolMeterOrEndpointEntry() {
		Instance stays = start();
		Instance leaves = start();
		Instance alsoLeaves = start();
		try (ConfigurableApplicationContext context = app(stays, leaves, alsoLeaves)) {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			callUntil(client, () -> leaves.gets.get() > 0 && alsoLeaves.gets.get() > 0 && stays.gets.get() > 0);
			assertThat(kept(context)).isEqualTo(Set.of(stays.address(), leaves.address(), alsoLeaves.address()));
			list(context, stays);
			callUntil(client, () -> kept(context).equals(Set.of(stays.address())));
			int servedByLeavers = leaves.gets.get() + alsoLeaves.gets.get();
			Flux.range(0, 20).concatMap((i) -> client.get().uri("http://payments/").retrieve().bodyToMono(String.class))
				.blockLast(Duration.ofSeconds(10));
			assertThat(leaves.gets.get() + alsoLeaves.gets.get()).isEqualTo(servedByLeavers);
			assertThat(kept(context)).containsExactly(stays.address());
		}
	}

	@Test
	void newInstanceGetsTrafficThroughSlowStartWithinSeconds() {
		Instance first = start();
		Instance second = start();
		try (ConfigurableApplicationContext context = app(first, second)) {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			callUntil(client, () -> first.gets.get() > 0 && second.gets.get() > 0);
			Instance added = start();
			list(context, first, second, added);
			long listed = System.nanoTime();
			callUntil(client, () -> added.gets.get() > 0);
			assertThat(Duration.ofNanos(System.nanoTime() - listed)).isLessThan(Duration.ofSeconds(5));
			ServiceBalancer balancer = context.getBean(HyperlaneLoadBalancers.class).service("payments");
			InstanceState state = balancer.serviceInstances().states().get(added.address());
			assertThat(balancer.serviceInstances().describe(state, balancer.nowNanos())).isEqualTo("ramping");
		}
	}

	@Test
	void churnOfInstancesLeavesNoResidue() {
		Instance stable = start();
		Instance current = start();
		try (ConfigurableApplicationContext context = app(stable, current)) {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			Instance first = current;
			callUntil(client, () -> first.gets.get() > 0);
			List<String> departed = new ArrayList<>();
			for (int round = 0; round < 12; round++) {
				Instance previous = current;
				departed.add(previous.address());
				Instance next = start();
				list(context, stable, next);
				callUntil(client, () -> next.gets.get() > 0 && !kept(context).contains(previous.address()));
				previous.stop();
				this.instances.remove(previous);
				current = next;
			}
			Set<String> now = Set.of(stable.address(), current.address());
			callUntil(client, () -> kept(context).equals(now));
			assertThat(departed).hasSize(12).doesNotContainAnyElementsOf(now);
			// no meter of any kind still names a departed instance
			for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
				meter.getId().getTags().forEach((tag) -> assertThat(tag.getValue()).as(meter.getId().toString())
					.doesNotContain(departed.toArray(new String[0])));
			}
		}
	}

	/**
	 * Every address the application keeps something for: balancer states, the payments pools, pool and instance
	 * meters, endpoint entries; waits for pools that are still being disposed.
	 */
	private static Set<String> kept(ConfigurableApplicationContext context) {
		Set<String> kept = new TreeSet<>();
		ServiceBalancer balancer = context.getBean(HyperlaneLoadBalancers.class).service("payments");
		kept.addAll(balancer.serviceInstances().states().keySet());
		kept.addAll(pools(context));
		for (Meter meter : context.getBean(MeterRegistry.class).getMeters()) {
			String address = meter.getId().getTag("address");
			if (address != null && meter.getId().getName().startsWith("hyperlane.loadbalancer.instance")) {
				kept.add(address);
			}
			String remote = meter.getId().getTag("remote.address");
			if (remote != null && "hyperlane-payments".equals(meter.getId().getTag("name"))) {
				kept.add(remote.substring(remote.indexOf('/') + 1));
			}
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> payments = (Map<String, Object>) context.getBean(LoadBalancerSection.class)
			.describe()
			.get("payments");
		kept.addAll(((Map<String, ?>) payments.get("instances")).keySet());
		return kept;
	}

	private static Set<String> pools(ConfigurableApplicationContext context) {
		ClientStatistics statistics = context.getBean(HyperlaneClientHttpConnector.class)
			.clients()
			.get("payments")
			.statistics();
		return statistics.pools().keySet().stream().map((address) -> {
			String text = address.toString();
			return text.substring(text.indexOf('/') + 1);
		}).collect(Collectors.toSet());
	}

	private static void callUntil(WebClient client, BooleanSupplier condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (!condition.getAsBoolean()) {
			assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
			Flux.range(0, 8)
				.flatMap((i) -> client.get().uri("http://payments/").retrieve().bodyToMono(String.class), 4)
				.blockLast(Duration.ofSeconds(10));
		}
	}

	private Instance start() {
		Instance instance = new Instance();
		this.instances.add(instance);
		return instance;
	}

	/**
	 * Change the simple discovery client's list of payments instances, as a registry's refresh would.
	 */
	private static void list(ConfigurableApplicationContext context, Instance... instances) {
		List<InstanceProperties> listed = new ArrayList<>();
		for (Instance instance : instances) {
			InstanceProperties properties = new InstanceProperties();
			properties.setServiceId("payments");
			properties.setUri(URI.create("http://" + instance.address()));
			listed.add(properties);
		}
		Map<String, List<InstanceProperties>> byService = new HashMap<>(Map.of("payments", listed));
		context.getBeanProvider(SimpleDiscoveryProperties.class)
			.ifAvailable((simple) -> simple.setInstances(new HashMap<>(byService)));
		context.getBeanProvider(SimpleReactiveDiscoveryProperties.class)
			.ifAvailable((reactive) -> reactive.setInstances(new HashMap<>(byService)));
	}

	private static ConfigurableApplicationContext app(Instance... instances) {
		List<String> properties = new ArrayList<>(List.of("spring.reactor.netty.shutdown-quiet-period=0s",
				"spring.cloud.loadbalancer.cache.enabled=false", "hyperlane.client.services.payments.max-connections=4"));
		for (int i = 0; i < instances.length; i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.payments[" + i + "].uri=http://"
					+ instances[i].address());
		}
		return new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

}
