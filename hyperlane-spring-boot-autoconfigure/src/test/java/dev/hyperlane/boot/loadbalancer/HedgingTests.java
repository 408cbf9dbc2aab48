package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hedged requests against two real Reactor Netty instances on port 0, one answering after 400 ms and one at once,
 * through the documented {@code @LoadBalanced WebClient.builder()} with round robin and a fixed 50 ms hedging delay:
 * every GET answers well before the slow instance would, the hedges win and the slow instance's work is cancelled;
 * a POST without an {@code Idempotency-Key} is never hedged. Bounded: about 10 s.
 */
@Timeout(60)
class HedgingTests {

	private static final AtomicInteger slowCancelled = new AtomicInteger();

	private static DisposableServer slow;

	private static DisposableServer fast;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		slow = HttpServer.create()
			.port(0)
			.handle((request, response) -> response.sendString(Mono.delay(Duration.ofMillis(400))
				.doOnCancel(slowCancelled::incrementAndGet)
				.thenReturn("slow")))
			.bindNow();
		fast = HttpServer.create().port(0).handle((request, response) -> response.sendString(Mono.just("fast"))).bindNow();
		context = new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties("spring.reactor.netty.shutdown-quiet-period=0s", "spring.cloud.loadbalancer.cache.enabled=false",
					"spring.cloud.discovery.client.simple.instances.peer[0].uri=http://127.0.0.1:" + slow.port(),
					"spring.cloud.discovery.client.simple.instances.peer[1].uri=http://127.0.0.1:" + fast.port(),
					"hyperlane.loadbalancer.strategy=round-robin", "hyperlane.loadbalancer.hedging.enabled=true",
					"hyperlane.loadbalancer.services.peer.hedging.delay=50ms",
					"hyperlane.loadbalancer.hedging.budget-percent=100")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		slow.disposeNow();
		fast.disposeNow();
	}

	@Test
	void slowAnswersAreHedgedAndTheFirstAnswerWins() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		for (int i = 0; i < 10; i++) {
			long start = System.nanoTime();
			String body = client.get().uri("http://peer/").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
			assertThat(body).isEqualTo("fast");
			assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(350);
		}
		ServiceHedging hedging = context.getBean(Hedges.class).service("peer");
		assertThat(hedging).isNotNull();
		assertThat(hedging.sent()).isGreaterThanOrEqualTo(3);
		assertThat(hedging.won()).isEqualTo(hedging.sent());
		assertThat(slowCancelled.get()).isGreaterThanOrEqualTo(1);
		assertThat(context.getBean(HedgingSection.class).describe().toString()).contains("hedgesSent");
	}

	@Test
	void postWithoutIdempotencyKeyIsNeverHedged() {
		WebClient client = context.getBean(WebClient.Builder.class).build();
		long sentBefore = context.getBean(Hedges.class).service("peer").sent();
		for (int i = 0; i < 4; i++) {
			client.post().uri("http://peer/").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
		}
		assertThat(context.getBean(Hedges.class).service("peer").sent()).isEqualTo(sentBefore);
	}

}
