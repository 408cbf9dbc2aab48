package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.client.ClientStatistics;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three real Reactor Netty instances of one service on port 0, one answering 50 ms late, behind Spring Cloud
 * LoadBalancer's {@code SimpleDiscoveryClient} and the documented {@code @LoadBalanced WebClient.builder()} bean,
 * 2000 GETs at concurrency 16 after a warm-up: with round robin the slow instance gets a third of the requests;
 * with peak EWMA under 10 %, and the same requests finish sooner (the test asserts both); least-request sends it
 * less than round robin does. The caller, the three
 * instances and the load share one JVM on this machine's 2 cores, so latencies include CPU queueing: peak EWMA
 * keeps more requests on the busy fast instances, which is what it is for.
 */
@Timeout(120)
class LoadBalancerIntegrationTests {

	private static final int REQUESTS = 2000;

	private static final int WARM_UP = 1000;

	private static final Map<Integer, AtomicInteger> served = new ConcurrentHashMap<>();

	private static final List<DisposableServer> instances = new ArrayList<>();

	private static int slowPort;

	@BeforeAll
	static void startInstances() {
		for (int i = 0; i < 3; i++) {
			boolean slow = (i == 2);
			DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> {
				served.computeIfAbsent(request.hostPort(), (port) -> new AtomicInteger()).incrementAndGet();
				Mono<String> body = Mono.just("ok");
				return response.sendString(slow ? body.delayElement(Duration.ofMillis(50)) : body);
			}).bindNow();
			instances.add(server);
			if (slow) {
				slowPort = server.port();
			}
		}
	}

	@AfterAll
	static void stopInstances() {
		instances.forEach(DisposableServer::disposeNow);
	}

	@Test
	void backsOffWhenDisabled() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LoadBalancedApp.class)
			.web(WebApplicationType.NONE)
			.properties("hyperlane.loadbalancer.enabled=false", "spring.reactor.netty.shutdown-quiet-period=0s")
			.run()) {
			assertThat(context.getBeanNamesForType(HyperlaneLoadBalancers.class)).isEmpty();
		}
	}

	@Test
	void peakEwmaSendsLittleToTheSlowInstanceWhereRoundRobinSendsAThird() {
		Result roundRobin = run("round-robin");
		Result leastRequest = run("least-request");
		Result peakEwma = run("peak-ewma");
		for (Result result : List.of(roundRobin, leastRequest, peakEwma)) {
			System.out.printf("%s: slow instance share %.1f%%, %.0f requests/s, p50 %.1f ms, p99 %.1f ms%n",
					result.strategy(), result.slowShare() * 100, result.throughput(), result.p50Millis(),
					result.p99Millis());
		}
		assertThat(roundRobin.slowShare()).isBetween(0.30, 0.37);
		assertThat(peakEwma.slowShare()).isLessThan(0.10);
		// requests in flight alone see the slow instance too, less sharply than latency does
		assertThat(leastRequest.slowShare()).isLessThan(roundRobin.slowShare());
		assertThat(peakEwma.throughput()).isGreaterThan(roundRobin.throughput());
	}

	@Test
	void instanceLatencyIsTheRoundTripFromItsPoolNotTheCallersQueueing() {
		try (ConfigurableApplicationContext context = start("hyperlane.loadbalancer.strategy=peak-ewma")) {
			// every call waits 300 ms in the caller between the choice of its instance and its connection, as calls
			// do in a saturated caller; the instances answer within milliseconds (the slow one within 50 ms)
			WebClient client = context.getBean(WebClient.Builder.class)
				.clone()
				.filter((request, next) -> Mono.delay(Duration.ofMillis(300)).then(next.exchange(request)))
				.build();
			long start = System.nanoTime();
			Flux.range(0, 12)
				.flatMap((i) -> client.get().uri("http://payments/").retrieve().bodyToMono(String.class), 4)
				.blockLast(Duration.ofSeconds(30));
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
			ServiceBalancer balancer = context.getBean(HyperlaneLoadBalancers.class).service("payments");
			long now = balancer.nowNanos();
			Map<String, InstanceState> states = balancer.serviceInstances().states();
			assertThat(states).hasSize(3);
			states.values().stream().filter((state) -> state.successes() > 0).forEach((state) -> {
				double millis = state.latencyNanos(now) / 1e6;
				boolean slow = state.id().endsWith(":" + slowPort);
				// what the balancer learnt is each instance's own latency, and the slow one is still seen as slow
				assertThat(millis).as(state.id()).isLessThan(slow ? 200 : 100);
				if (slow) {
					assertThat(millis).as(state.id()).isGreaterThanOrEqualTo(40);
				}
			});
		}
	}

	/**
	 * Start the load-balanced application over the three instances.
	 * @param extra more properties
	 * @return the running context
	 */
	private static ConfigurableApplicationContext start(String... extra) {
		List<String> properties = new ArrayList<>(List.of("hyperlane.loadbalancer.slow-start.window=0s",
				"spring.reactor.netty.shutdown-quiet-period=0s", "spring.cloud.loadbalancer.cache.enabled=false"));
		properties.addAll(List.of(extra));
		for (int i = 0; i < instances.size(); i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.payments[" + i + "].uri=http://127.0.0.1:"
					+ instances.get(i).port());
		}
		return new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	private Result run(String strategy) {
		served.clear();
		try (ConfigurableApplicationContext context = start("hyperlane.loadbalancer.strategy=" + strategy,
				"hyperlane.client.services.payments.max-connections=7")) {
			WebClient client = context.getBean(WebClient.Builder.class).build();
			// warm up the JIT and the connections, then count from a clean slate
			Flux.range(0, WARM_UP)
				.flatMap((i) -> client.get().uri("http://payments/").retrieve().bodyToMono(String.class), 16)
				.blockLast(Duration.ofSeconds(60));
			served.clear();
			List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
			long started = System.nanoTime();
			Flux.range(0, REQUESTS).flatMap((i) -> {
				long start = System.nanoTime();
				return client.get()
					.uri("http://payments/")
					.retrieve()
					.bodyToMono(String.class)
					.doOnSuccess((body) -> latencies.add(System.nanoTime() - start));
			}, 16).blockLast(Duration.ofSeconds(90));
			double seconds = (System.nanoTime() - started) / 1e9;
			assertThat(latencies).hasSize(REQUESTS);
			Map<String, Object> section = context.getBean(LoadBalancerSection.class).describe();
			assertThat(section).containsKey("payments");
			@SuppressWarnings("unchecked")
			Map<String, Object> payments = (Map<String, Object>) section.get("payments");
			assertThat(payments).containsEntry("strategy", strategy);
			assertThat((Map<?, ?>) payments.get("instances")).hasSize(3);
			// balanced calls run on the payments service's own pools, one per instance address
			ClientStatistics pools = context.getBean(HyperlaneClientHttpConnector.class)
				.clients()
				.get("payments")
				.statistics();
			assertThat(pools.pools()).hasSize(3)
				.allSatisfy((address, metrics) -> assertThat(metrics.maxAllocatedSize()).isEqualTo(7));
			int total = served.values().stream().mapToInt(AtomicInteger::get).sum();
			int slow = served.getOrDefault(slowPort, new AtomicInteger()).get();
			List<Long> sorted = new ArrayList<>(latencies);
			Collections.sort(sorted);
			return new Result(strategy, (double) slow / total, REQUESTS / seconds, sorted.get(sorted.size() / 2) / 1e6,
					sorted.get((int) (sorted.size() * 0.99)) / 1e6);
		}
	}

	private record Result(String strategy, double slowShare, double throughput, double p50Millis, double p99Millis) {

	}

}
