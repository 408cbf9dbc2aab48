package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.retry.RetryPolicies;
import dev.hyperlane.boot.retry.RetryPolicy;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hedged requests against real Reactor Netty instances on port 0, through the documented
 * {@code @LoadBalanced WebClient.builder()} with round robin: a slow instance (400 ms) weighted 1000 to 1 against a
 * fast one, so that the balancer sends first copies to the slow instance and would send the hedges there too if
 * the hedge did not leave out the first copy's instance; and an instance answering 503 after 100 ms, for the retry
 * on another instance. Each server counts the calls it received by their {@value #CALL} header. Checked: the hedge
 * goes to the other instance and wins; a POST without an {@code Idempotency-Key} is never hedged; hedges are taken
 * from the retry budget, so once retries have spent it hedges are refused; neither a hedge nor a retry starts after
 * the request's deadline; the default delay is the 95th percentile of the balancer's latency data; hedging without
 * the HTTP client's retry budgets fails at start-up. Deadline
 * propagation is off here ({@code hyperlane.deadline.enabled=false}) so that its timer does not cancel the calls
 * first: what is checked is the balancer's own refusal to start work after the deadline. Bounded: about 15 s.
 */
@Timeout(60)
class HedgingTests {

	private static final String CALL = "X-Call";

	private static final AtomicInteger slowCancelled = new AtomicInteger();

	private static final Map<String, AtomicInteger> slowCalls = new ConcurrentHashMap<>();

	private static final Map<String, AtomicInteger> fastCalls = new ConcurrentHashMap<>();

	private static DisposableServer slow;

	private static DisposableServer fast;

	private static DisposableServer failing;

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		slow = HttpServer.create().port(0).handle((request, response) -> {
			count(slowCalls, request.requestHeaders().get(CALL));
			return response.sendString(Mono.delay(Duration.ofMillis(400))
				.doOnCancel(slowCancelled::incrementAndGet)
				.thenReturn("slow"));
		}).bindNow();
		fast = HttpServer.create().port(0).handle((request, response) -> {
			count(fastCalls, request.requestHeaders().get(CALL));
			return response.sendString(Mono.just("fast"));
		}).bindNow();
		failing = HttpServer.create()
			.port(0)
			.handle((request, response) -> Mono.delay(Duration.ofMillis(100))
				.then(response.status(503).sendString(Mono.just("unavailable")).then()))
			.bindNow();
		String instances = "spring.cloud.discovery.client.simple.instances.";
		context = new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties("spring.reactor.netty.shutdown-quiet-period=0s", "spring.cloud.loadbalancer.cache.enabled=false",
					instances + "peer[0].uri=http://127.0.0.1:" + slow.port(),
					instances + "peer[0].metadata.weight=1000",
					instances + "peer[1].uri=http://127.0.0.1:" + fast.port(),
					instances + "budgeted[0].uri=http://127.0.0.1:" + slow.port(),
					instances + "budgeted[0].metadata.weight=1000",
					instances + "budgeted[1].uri=http://127.0.0.1:" + fast.port(),
					instances + "retried[0].uri=http://127.0.0.1:" + failing.port(),
					instances + "retried[0].metadata.weight=1000",
					instances + "retried[1].uri=http://127.0.0.1:" + fast.port(),
					instances + "auto[0].uri=http://127.0.0.1:" + fast.port(),
					"hyperlane.loadbalancer.strategy=round-robin", "hyperlane.loadbalancer.hedging.enabled=true",
					"hyperlane.loadbalancer.hedging.budget-percent=100",
					"hyperlane.loadbalancer.services.peer.hedging.delay=50ms",
					"hyperlane.loadbalancer.services.budgeted.hedging.delay=50ms",
					"hyperlane.loadbalancer.services.retried.hedging.enabled=false",
					// a budget of its own, small: 1 retry per second over the 10 s window, plus 20 % of the calls
					"hyperlane.client.services.budgeted.retry.budget-min-per-second=1",
					"hyperlane.deadline.enabled=false")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		slow.disposeNow();
		fast.disposeNow();
		failing.disposeNow();
	}

	private static void count(Map<String, AtomicInteger> calls, @Nullable String call) {
		if (call != null) {
			calls.computeIfAbsent(call, (key) -> new AtomicInteger()).incrementAndGet();
		}
	}

	private static int calls(Map<String, AtomicInteger> calls, String call) {
		AtomicInteger count = calls.get(call);
		return (count != null) ? count.get() : 0;
	}

	private static WebClient client() {
		return context.getBean(WebClient.Builder.class).build();
	}

	private static ServiceHedging hedging(String service) {
		ServiceHedging hedging = context.getBean(Hedges.class).service(service);
		assertThat(hedging).isNotNull();
		return hedging;
	}

	private static @Nullable String get(String service, String call, @Nullable Deadline deadline) {
		Mono<String> body = client().get()
			.uri("http://" + service + "/")
			.header(CALL, call)
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((text) -> response.statusCode().value() + " " + text));
		if (deadline != null) {
			body = body.contextWrite((context) -> context.put(Deadline.class, deadline));
		}
		return body.block(Duration.ofSeconds(5));
	}

	@Test
	void slowAnswersAreHedgedOnTheOtherInstanceAndTheFirstAnswerWins() {
		ServiceHedging hedging = hedging("peer");
		long sentBefore = hedging.counts().get(ServiceHedging.Count.HEDGES_SENT);
		long wonBefore = hedging.counts().get(ServiceHedging.Count.HEDGES_WON);
		for (int i = 0; i < 10; i++) {
			// the fast answer came from the hedge, before the slow instance's
			assertThat(get("peer", "hedged-" + i, null)).isEqualTo("200 fast");
			// the first copy went to the slow instance (weighted 1000 to 1), the hedge to the other one
			assertThat(calls(slowCalls, "hedged-" + i)).isEqualTo(1);
			assertThat(calls(fastCalls, "hedged-" + i)).isEqualTo(1);
		}
		assertThat(hedging.counts().get(ServiceHedging.Count.HEDGES_SENT) - sentBefore).isEqualTo(10);
		assertThat(hedging.counts().get(ServiceHedging.Count.HEDGES_WON) - wonBefore).isEqualTo(10);
		assertThat(slowCancelled.get()).isGreaterThanOrEqualTo(1);
		assertThat(context.getBean(HedgingSection.class).describe().toString()).contains("hedgesSent");
		// the service's counters are registered when it is first hedged, after the registry was bound
		assertThat(context.getBean(MeterRegistry.class)
			.get("hyperlane.loadbalancer.hedges")
			.tags("service", "peer", "outcome", "sent")
			.functionCounter()
			.count()).isEqualTo(hedging.counts().get(ServiceHedging.Count.HEDGES_SENT));
	}

	@Test
	void postWithoutIdempotencyKeyIsNeverHedged() {
		long sentBefore = hedging("peer").counts().get(ServiceHedging.Count.HEDGES_SENT);
		for (int i = 0; i < 2; i++) {
			client().post().uri("http://peer/").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(5));
		}
		assertThat(hedging("peer").counts().get(ServiceHedging.Count.HEDGES_SENT)).isEqualTo(sentBefore);
	}

	@Test
	void hedgesAreRefusedOnceRetriesHaveSpentTheSharedRetryBudget() {
		ServiceHedging hedging = hedging("budgeted");
		for (int i = 0; i < 2; i++) {
			assertThat(get("budgeted", "budget-before-" + i, null)).isEqualTo("200 fast");
		}
		assertThat(hedging.counts().get(ServiceHedging.Count.HEDGES_SENT)).isEqualTo(2);
		// the service's retries spend what is left of its one budget (the balancer and the HTTP client ask this
		// policy before every retry)
		RetryPolicy policy = context.getBean(RetryPolicies.class).forService("budgeted");
		int retries = 0;
		while (policy.tryAcquire()) {
			retries++;
		}
		assertThat(retries).isPositive();
		for (int i = 0; i < 2; i++) {
			assertThat(get("budgeted", "budget-after-" + i, null)).isEqualTo("200 slow");
			assertThat(calls(fastCalls, "budget-after-" + i)).isZero();
		}
		assertThat(hedging.counts().get(ServiceHedging.Count.HEDGES_SENT)).isEqualTo(2);
		assertThat(hedging.counts().get(ServiceHedging.Count.BUDGET_REFUSALS)).isEqualTo(2);
	}

	@Test
	void noHedgeStartsAfterTheDeadline() {
		long sentBefore = hedging("peer").counts().get(ServiceHedging.Count.HEDGES_SENT);
		// the deadline passes after 20 ms, before the 50 ms hedging delay; nothing here cancels the call itself
		assertThat(get("peer", "late-hedge", Deadline.after(Duration.ofMillis(20)))).isEqualTo("200 slow");
		assertThat(calls(fastCalls, "late-hedge")).isZero();
		assertThat(hedging("peer").counts().get(ServiceHedging.Count.HEDGES_SENT)).isEqualTo(sentBefore);
	}

	@Test
	void noRetryStartsAfterTheDeadline() {
		// without a deadline the 503 is retried on the other instance
		assertThat(get("retried", "retry-in-time", null)).isEqualTo("200 fast");
		// the 503 arrives after 100 ms, when the 30 ms deadline has passed
		assertThat(get("retried", "retry-late", Deadline.after(Duration.ofMillis(30)))).isEqualTo("503 unavailable");
		assertThat(calls(fastCalls, "retry-late")).isZero();
	}

	@Test
	void defaultDelayIsTheRecentP95OfTheBalancersLatencyData() {
		ServiceHedging hedging = hedging("auto");
		assertThat(hedging.delayNanos()).isEqualTo(-1);
		for (int i = 0; i < LatencyWindow.MIN_SAMPLES + 5; i++) {
			assertThat(get("auto", "auto-" + i, null)).isEqualTo("200 fast");
		}
		LatencyWindow balancerData = context.getBean(HyperlaneLoadBalancers.class).service("auto").recentLatencies();
		assertThat(hedging.delayNanos()).isPositive().isEqualTo(balancerData.p95Nanos());
		assertThat(context.getBean(HedgingSection.class).describe().toString()).contains("p95 = ");
	}

	@Test
	void hedgingWithoutTheHttpClientsRetryBudgetFailsAtStartUp() {
		assertThatThrownBy(() -> new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.NONE)
			.properties("hyperlane.loadbalancer.hedging.enabled=true", "hyperlane.client.enabled=false")
			.run()
			.close()).rootCause()
			.isInstanceOf(HyperlaneSettingException.class)
			.hasMessageContaining("hyperlane.loadbalancer.hedging.enabled")
			.hasMessageContaining("retry budget");
	}

}
