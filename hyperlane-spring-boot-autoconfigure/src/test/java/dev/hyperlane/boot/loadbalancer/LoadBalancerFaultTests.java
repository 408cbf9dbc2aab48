package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults behind the balancer, with real Reactor Netty instances on port 0 and the documented
 * {@code @LoadBalanced WebClient.builder()}: an instance answering 500 is ejected and comes back through slow start
 * while GETs see no error; an instance stopped mid-run costs the caller nothing; a POST without an
 * {@code Idempotency-Key} is never sent twice while one with a key moves to another instance; a 503 with
 * {@code Retry-After} keeps its instance out; panic mode when every instance fails; and the endpoint's live
 * strategy switch, drain and restore.
 */
@Timeout(120)
class LoadBalancerFaultTests {

	private final List<Instance> instances = new ArrayList<>();

	@AfterEach
	void stopInstances() {
		this.instances.forEach(Instance::stop);
	}

	@Test
	void instanceAnswering500IsEjectedGetsSeeNoErrorAndItRampsBackAfterItsEjection() throws Exception {
		startInstances(3);
		this.instances.get(2).mode = Mode.FAIL_500;
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE,
				"hyperlane.loadbalancer.strategy=round-robin", "hyperlane.loadbalancer.ejection.consecutive-failures=3",
				"hyperlane.loadbalancer.ejection.base-time=10s", "hyperlane.loadbalancer.slow-start.window=5s")) {
			WebClient client = client(context);
			assertThat(gets(client, 300, 4)).isEqualTo(300);
			Instance failing = this.instances.get(2);
			Map<String, Object> state = instance(context, failing);
			assertThat(state).containsEntry("state", "ejected");
			// ejected after 3 failures in a row (again after each ejection on a machine slow enough to need 10 s
			// for 300 calls), and every failed call went to another instance
			int ejections = (Integer) state.get("ejections");
			assertThat(ejections).isPositive();
			assertThat(failing.gets.get()).isBetween(3 * ejections, 3 * ejections + 4);
			assertThat(service(context).get("retriesOnAnotherInstance")).isEqualTo((long) failing.gets.get());

			failing.mode = Mode.OK;
			waitFor(() -> !"ejected".equals(instance(context, failing).get("state")), Duration.ofSeconds(25));
			assertThat(instance(context, failing)).containsEntry("state", "ramping");
			int before = failing.gets.get();
			assertThat(gets(client, 300, 4)).isEqualTo(300);
			int share = failing.gets.get() - before;
			// back in the rotation, with less than a full third while it ramps up
			assertThat(share).isBetween(1, 99);
			waitFor(() -> "active".equals(instance(context, failing).get("state")), Duration.ofSeconds(15));
		}
	}

	@Test
	void instanceStoppedMidRunCostsGetsNothing() {
		startInstances(3);
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE)) {
			WebClient client = client(context);
			Instance stopped = this.instances.get(1);
			List<Throwable> errors = new ArrayList<>();
			// the instance stops while 8 calls at a time are running, then the load goes on with it gone
			Mono<Void> stopping = Mono.fromRunnable(stopped::stop).subscribeOn(Schedulers.boundedElastic()).then();
			AtomicInteger done = new AtomicInteger();
			Flux<String> duringStop = calls(client, 600, errors).doOnNext((body) -> {
				if (done.incrementAndGet() == 200) {
					stopping.subscribe();
				}
			});
			duringStop.blockLast(Duration.ofSeconds(60));
			assertThat(stopped.stopped).isTrue();
			calls(client, 900, errors).blockLast(Duration.ofSeconds(60));
			assertThat(errors).isEmpty();
			assertThat(stopped.gets.get()).isBetween(1, 600);
			// calls chosen for the stopped instance went to another one
			assertThat((Long) service(context).get("retriesOnAnotherInstance")).isPositive();
		}
	}

	private static Flux<String> calls(WebClient client, int count, List<Throwable> errors) {
		return Flux.range(0, count)
			.flatMap((i) -> client.get()
				.uri("http://payments/")
				.retrieve()
				.bodyToMono(String.class)
				.onErrorResume((error) -> {
					synchronized (errors) {
						errors.add(error);
					}
					return Mono.empty();
				}), 8);
	}

	@Test
	void postWithoutIdempotencyKeyIsNeverSentTwiceOneWithAKeyMovesToAnotherInstance() {
		startInstances(2);
		this.instances.forEach((instance) -> instance.mode = Mode.DROP);
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE)) {
			WebClient client = client(context);
			Throwable withoutKey = post(client, null);
			assertThat(withoutKey).isNotNull();
			assertThat(this.instances.stream().mapToInt((instance) -> instance.posts.get()).sum()).isEqualTo(1);

			this.instances.forEach((instance) -> instance.posts.set(0));
			Throwable withKey = post(client, "order-42");
			assertThat(withKey).isNotNull();
			// both instances saw it: the retry went to the other instance
			assertThat(this.instances).allSatisfy((instance) -> assertThat(instance.posts.get()).isPositive());
		}
	}

	@Test
	void callsTheCallerCancelsAreNoLongerCountedInFlight() throws Exception {
		startInstances(2);
		this.instances.forEach((instance) -> instance.mode = Mode.SLOW);
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE)) {
			WebClient client = client(context);
			List<Throwable> timeouts = Flux.range(0, 20)
				.flatMap((i) -> client.get()
					.uri("http://payments/")
					.retrieve()
					.bodyToMono(String.class)
					.timeout(Duration.ofMillis(200))
					.then(Mono.<Throwable>empty())
					.onErrorResume(Mono::just), 10)
				.collectList()
				.block(Duration.ofSeconds(30));
			assertThat(timeouts).hasSize(20);
			// Spring Cloud's completion callback never runs for a cancelled call; without Hyperlane's own
			// accounting each instance would keep about 10 requests in flight for ever
			waitFor(() -> this.instances.stream().allMatch((instance) -> instance(context, instance).get("inFlight")
				.equals(0)), Duration.ofSeconds(5));
		}
	}

	@Test
	void retryAfterOn503KeepsTheInstanceOutAndTheCallMovesOn() {
		startInstances(3);
		this.instances.get(0).mode = Mode.UNAVAILABLE_503;
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE,
				"hyperlane.loadbalancer.strategy=round-robin")) {
			WebClient client = client(context);
			assertThat(gets(client, 60, 1)).isEqualTo(60);
			Instance busy = this.instances.get(0);
			assertThat(busy.gets.get()).isEqualTo(1);
			Map<String, Object> state = instance(context, busy);
			assertThat(state).containsEntry("state", "backing-off");
			assertThat((Long) state.get("unavailableForMillis")).isBetween(20_000L, 30_000L);
		}
	}

	@Test
	void panicModeWhenEveryInstanceFailsKeepsCallingThemAndIsAdvised() {
		startInstances(3);
		this.instances.forEach((instance) -> instance.mode = Mode.FAIL_500);
		try (ConfigurableApplicationContext context = app(WebApplicationType.NONE,
				"hyperlane.loadbalancer.strategy=round-robin", "hyperlane.loadbalancer.ejection.consecutive-failures=1",
				"hyperlane.loadbalancer.ejection.max-percent=100", "hyperlane.loadbalancer.retry.enabled=false")) {
			WebClient client = client(context);
			List<Integer> statuses = Flux.range(0, 30)
				.concatMap((i) -> client.get()
					.uri("http://payments/")
					.exchangeToMono((response) -> Mono.just(response.statusCode().value())))
				.collectList()
				.block(Duration.ofSeconds(30));
			// every call reached an instance (500), none was refused for lack of instances (503)
			assertThat(statuses).hasSize(30).containsOnly(500);
			assertThat(this.instances.stream().mapToInt((instance) -> instance.gets.get()).sum()).isEqualTo(30);
			assertThat(service(context).get("panicChoices")).isEqualTo(27L);
			assertThat(context.getBean(LoadBalancerSection.class).advice())
				.anySatisfy((advice) -> assertThat(advice.finding()).contains("panic mode"));
		}
	}

	@Test
	void endpointSwitchesStrategyDrainsAndRestoresWhenAccessIsUnrestricted() {
		startInstances(3);
		try (ConfigurableApplicationContext context = app(WebApplicationType.REACTIVE, "server.port=0",
				"management.endpoints.web.exposure.include=hyperlane",
				"management.endpoint.hyperlane.access=unrestricted")) {
			WebClient client = client(context);
			assertThat(gets(client, 30, 2)).isEqualTo(30);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			WebClient actuator = WebClient.create("http://127.0.0.1:" + port + "/actuator/hyperlane/loadbalancers");
			Instance drained = this.instances.get(1);

			Map<?, ?> switched = change(actuator, Map.of("action", "strategy", "service", "payments", "value",
					"round-robin"));
			assertThat(((Map<?, ?>) switched.get("payments")).get("strategy")).isEqualTo("round-robin");

			change(actuator, Map.of("action", "drain", "service", "payments", "instance", drained.address()));
			assertThat(instance(context, drained)).containsEntry("state", "drained");
			int before = drained.gets.get();
			assertThat(gets(client, 60, 2)).isEqualTo(60);
			assertThat(drained.gets.get()).isEqualTo(before);

			change(actuator, Map.of("action", "restore", "service", "payments", "instance", drained.address()));
			assertThat(instance(context, drained)).containsEntry("state", "ramping");
			assertThat(gets(client, 60, 2)).isEqualTo(60);
			assertThat(drained.gets.get()).isGreaterThan(before);

			Integer unknown = actuator.post()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("action", "drain", "service", "payments", "instance", "10.9.9.9:1"))
				.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
				.block(Duration.ofSeconds(10));
			assertThat(unknown).isEqualTo(400);
		}
	}

	@Test
	void endpointRefusesChangesWithDefaultAccess() {
		startInstances(1);
		try (ConfigurableApplicationContext context = app(WebApplicationType.REACTIVE, "server.port=0",
				"management.endpoints.web.exposure.include=hyperlane")) {
			WebClient client = client(context);
			assertThat(gets(client, 5, 1)).isEqualTo(5);
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			Integer status = WebClient.create("http://127.0.0.1:" + port + "/actuator/hyperlane/loadbalancers")
				.post()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("action", "strategy", "service", "payments", "value", "round-robin"))
				.exchangeToMono((response) -> Mono.just(response.statusCode().value()))
				.block(Duration.ofSeconds(10));
			assertThat(status).isBetween(400, 499);
			assertThat(service(context)).containsEntry("strategy", "peak-ewma");
		}
	}

	private static Map<?, ?> change(WebClient actuator, Map<String, String> body) {
		return actuator.post()
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToMono(Map.class)
			.block(Duration.ofSeconds(10));
	}

	private static Throwable post(WebClient client, String idempotencyKey) {
		WebClient.RequestBodySpec spec = client.post().uri(URI.create("http://payments/orders"));
		if (idempotencyKey != null) {
			spec.header("Idempotency-Key", idempotencyKey);
		}
		try {
			spec.bodyValue("{\"amount\":10}").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(20));
			return null;
		}
		catch (RuntimeException ex) {
			return ex;
		}
	}

	private static int gets(WebClient client, int count, int concurrency) {
		List<String> bodies = Flux.range(0, count)
			.flatMap((i) -> client.get().uri("http://payments/").retrieve().bodyToMono(String.class), concurrency)
			.collectList()
			.block(Duration.ofSeconds(60));
		return bodies.size();
	}

	private static void waitFor(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.get()) {
			assertThat(System.nanoTime()).as("waited %s", timeout).isLessThan(deadline);
			Thread.sleep(50);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> service(ConfigurableApplicationContext context) {
		return (Map<String, Object>) context.getBean(LoadBalancerSection.class).describe().get("payments");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> instance(ConfigurableApplicationContext context, Instance instance) {
		Map<String, Object> instances = (Map<String, Object>) service(context).get("instances");
		return (Map<String, Object>) instances.get(instance.address());
	}

	private static WebClient client(ConfigurableApplicationContext context) {
		return context.getBean(WebClient.Builder.class).build();
	}

	private void startInstances(int count) {
		for (int i = 0; i < count; i++) {
			this.instances.add(new Instance());
		}
	}

	private ConfigurableApplicationContext app(WebApplicationType type, String... extra) {
		List<String> properties = new ArrayList<>(List.of("spring.reactor.netty.shutdown-quiet-period=0s",
				"spring.cloud.loadbalancer.cache.enabled=false", "hyperlane.client.services.payments.max-connections=8"));
		for (int i = 0; i < this.instances.size(); i++) {
			properties.add("spring.cloud.discovery.client.simple.instances.payments[" + i + "].uri=http://"
					+ this.instances.get(i).address());
		}
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(LoadBalancedApp.class).web(type).properties(properties.toArray(new String[0])).run();
	}

	enum Mode {

		OK, FAIL_500, UNAVAILABLE_503, DROP, SLOW

	}

	/**
	 * One instance: a real Reactor Netty server counting the GETs and POSTs it receives, answering as its mode
	 * says; {@code DROP} reads the request and closes the connection without an answer.
	 */
	static final class Instance {

		final AtomicInteger gets = new AtomicInteger();

		final AtomicInteger posts = new AtomicInteger();

		volatile Mode mode = Mode.OK;

		volatile boolean stopped;

		private final DisposableServer server;

		private final Set<Channel> connections = ConcurrentHashMap.newKeySet();

		Instance() {
			this.server = HttpServer.create()
				.host("127.0.0.1")
				.port(0)
				.doOnConnection((connection) -> this.connections.add(connection.channel()))
				.handle((request, response) -> {
				(request.method().name().equals("POST") ? this.posts : this.gets).incrementAndGet();
				return switch (this.mode) {
					case OK -> response.sendString(Mono.just("ok"));
					case SLOW -> response.sendString(Mono.just("late").delayElement(Duration.ofSeconds(2)));
					case FAIL_500 -> response.status(HttpResponseStatus.INTERNAL_SERVER_ERROR).send();
					case UNAVAILABLE_503 -> response.status(HttpResponseStatus.SERVICE_UNAVAILABLE)
						.header("Retry-After", "30")
						.send();
					case DROP -> request.receive()
						.aggregate()
						.then(Mono.<Void>fromRunnable(() -> request.withConnection((c) -> c.channel().close())))
						.then(Mono.never());
				};
			}).bindNow();
		}

		String address() {
			return "127.0.0.1:" + this.server.port();
		}

		synchronized void stop() {
			if (!this.stopped) {
				this.stopped = true;
				// the listening socket first, then every open connection, in-flight requests included, as a
				// process that stops does
				this.server.dispose();
				this.connections.forEach(Channel::close);
				this.server.onDispose().block(Duration.ofSeconds(10));
			}
		}

	}

}
