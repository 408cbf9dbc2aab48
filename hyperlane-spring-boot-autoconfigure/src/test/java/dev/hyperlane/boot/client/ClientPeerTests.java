package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.testsupport.NginxPeer;
import dev.hyperlane.boot.testsupport.NodePeer;
import dev.hyperlane.boot.testsupport.TcpProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tuned client against real peers whose behaviour on idle connections causes the failures the starter exists
 * to prevent: a Node.js server (5 s keep-alive, advertised as {@code Keep-Alive: timeout=5}), nginx with a short
 * {@code keepalive_timeout} and no Keep-Alive header, and a middlebox that forgets idle flows without a FIN or RST
 * (as NAT gateways and cloud load balancers do). Each scenario sends bursts separated by idle gaps around the
 * peer's limit and counts the errors that reach the caller; the middlebox scenario also runs with the starter off
 * to prove the test sees the failure it guards against. Bounded: the whole class takes about 90 s.
 */
@Timeout(120)
class ClientPeerTests {

	private static final int BURST = 8;

	private final ApplicationContextRunner runner = WebClientContexts.runner();

	@Test
	void nodePeerAcrossItsKeepAliveTimeout() {
		try (NodePeer node = NodePeer.start()) {
			// a max idle time above Node's leaves the advertised timeout as the only protection
			this.runner.withPropertyValues("hyperlane.client.defaults.max-idle-time=30s").run((context) -> {
				Result result = bursts(context, node.baseUrl() + "/hello", List.of(4.9, 5.05, 5.6, 6.0));
				assertThat(result.errors()).as("errors with the starter").isZero();
				ClientStatistics statistics = statistics(context);
				assertThat(statistics.counts().get(ClientStatistics.Count.EVICTIONS_BY_KEEP_ALIVE_HEADER)).isPositive();
			});
		}
	}

	@Test
	void nginxClosingIdleConnectionsWithoutAdvertisingIt() {
		try (NginxPeer nginx = NginxPeer.start(Duration.ofSeconds(2))) {
			this.runner.run((context) -> {
				Result result = bursts(context, nginx.baseUrl() + "/hello", List.of(1.95, 2.05, 2.5, 1.9));
				assertThat(result.errors()).as("errors with the starter").isZero();
			});
		}
	}

	@Test
	void middleboxThatForgetsIdleFlowsSilently() {
		try (NodePeer node = NodePeer.start(); TcpProxy proxy = TcpProxy.forgettingIdleFlows(node.port(),
				Duration.ofSeconds(3))) {
			List<Double> gaps = List.of(3.3, 4.0, 3.6, 4.2, 3.5);
			int[] tuned = new int[2];
			this.runner.run((context) -> {
				Result result = bursts(context, proxy.baseUrl() + "/hello", gaps);
				tuned[0] = result.errors();
				tuned[1] = (int) statistics(context).counts().get(ClientStatistics.Count.RETRIES);
			});
			int[] plain = new int[1];
			this.runner.withPropertyValues("hyperlane.enabled=false").run((context) -> {
				plain[0] = bursts(context, proxy.baseUrl() + "/hello", gaps).errors();
			});
			System.out.printf("silent-drop soak: %d bursts of %d GETs, errors with the starter %d (retries %d),"
					+ " errors with plain Spring Boot %d, flows forgotten %d%n", gaps.size() + 1, BURST, tuned[0],
					tuned[1], plain[0], proxy.flowsForgotten());
			assertThat(tuned[0]).as("errors with the starter").isZero();
			assertThat(plain[0]).as("errors with plain Spring Boot").isPositive();
		}
	}

	private static ClientStatistics statistics(ApplicationContext context) {
		return context.getBean(HyperlaneClientHttpConnector.class).clientFor("127.0.0.1").statistics();
	}

	private static Result bursts(ApplicationContext context, String url, List<Double> gapsSeconds)
			throws InterruptedException {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		AtomicInteger errors = new AtomicInteger();
		AtomicInteger requests = new AtomicInteger();
		burst(client, url, errors, requests);
		for (double gap : gapsSeconds) {
			Thread.sleep((long) (gap * 1000));
			burst(client, url, errors, requests);
		}
		return new Result(requests.get(), errors.get());
	}

	private static void burst(WebClient client, String url, AtomicInteger errors, AtomicInteger requests) {
		Flux.range(0, BURST)
			.flatMap((i) -> client.get()
				.uri(url)
				.retrieve()
				.toBodilessEntity()
				.timeout(Duration.ofSeconds(12))
				.doOnSubscribe((subscription) -> requests.incrementAndGet())
				.then()
				.onErrorResume((error) -> {
					errors.incrementAndGet();
					return Mono.empty();
				}), BURST)
			.blockLast(Duration.ofSeconds(30));
	}

	private record Result(int requests, int errors) {

	}

}
