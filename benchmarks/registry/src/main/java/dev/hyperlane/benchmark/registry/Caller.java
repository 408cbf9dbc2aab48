package dev.hyperlane.benchmark.registry;

import java.lang.management.ManagementFactory;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The calling application, started in this JVM, with what the benchmark reads of it: the balancer's states, the
 * HTTP client's pools, the meters, the {@code hyperlane} endpoint over HTTP and the garbage-collected heap.
 */
final class Caller implements AutoCloseable {

	private static final AtomicLong addresses = new AtomicLong();

	final ConfigurableApplicationContext context;

	final Listing listing;

	final WebClient balanced;

	private final WebClient plain;

	private final int[] ports;

	final AtomicLong failures = new AtomicLong();

	Caller(int[] ports, String... properties) {
		List<String> all = new ArrayList<>(List.of("server.port=0", "spring.main.banner-mode=off",
				"logging.level.root=WARN", "spring.reactor.netty.shutdown-quiet-period=0s",
				"management.endpoints.web.exposure.include=hyperlane",
				// as the samples' eureka profile: the registry client's copy is the only cache
				"spring.cloud.loadbalancer.cache.enabled=false"));
		all.addAll(List.of(properties));
		this.context = new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.REACTIVE)
			.properties(all.toArray(new String[0]))
			.run();
		this.listing = this.context.getBean(Listing.class);
		this.balanced = this.context.getBean(WebClient.Builder.class).build();
		// the whole endpoint passes WebClient's default 256 KB buffer limit from a few hundred instances on
		this.plain = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + this.context.getEnvironment().getProperty("local.server.port"))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
			.build();
		this.ports = ports;
	}

	/**
	 * A new instance of a service at an address no other instance had: {@code 127.1.x.y} on one of the servers'
	 * ports.
	 */
	ServiceInstance newInstance(String serviceId) {
		long n = addresses.getAndIncrement();
		String host = "127." + (1 + n / 62_500) + "." + ((n / 250) % 250) + "." + (1 + n % 250);
		int port = (this.ports.length > 0) ? this.ports[(int) (n % this.ports.length)] : 1;
		return new DefaultServiceInstance(serviceId + "-" + n, serviceId, host, port, false);
	}

	static String address(ServiceInstance instance) {
		return instance.getHost() + ":" + instance.getPort();
	}

	HyperlaneLoadBalancers balancers() {
		return this.context.getBean(HyperlaneLoadBalancers.class);
	}

	/** One call through the load balancer; failures are counted, not thrown. */
	Mono<String> call(String serviceId) {
		return this.balanced.get().uri("http://" + serviceId + "/").retrieve().bodyToMono(String.class)
			.onErrorResume((ex) -> {
				this.failures.incrementAndGet();
				return Mono.empty();
			});
	}

	void calls(List<String> serviceIds, int concurrency) {
		Flux.fromIterable(serviceIds).flatMap(this::call, concurrency).blockLast(Duration.ofSeconds(60));
	}

	/** Addresses the balancer keeps state for, by service. */
	Map<String, Set<String>> states() {
		Map<String, Set<String>> states = new LinkedHashMap<>();
		balancers().services().forEach((id, balancer) -> states.put(id, new HashSet<>(balancer.serviceInstances().states().keySet())));
		return states;
	}

	/** Addresses the HTTP client keeps a connection pool for (every client: configured services and default). */
	Set<String> pools() {
		Set<String> pools = new HashSet<>();
		this.context.getBean(HyperlaneClientHttpConnector.class).clients().values().forEach((client) -> {
			for (SocketAddress address : client.statistics().pools().keySet()) {
				String text = address.toString();
				pools.add(text.substring(text.lastIndexOf('/') + 1));
			}
		});
		return pools;
	}

	List<Meter> meters() {
		return this.context.getBean(MeterRegistry.class).getMeters();
	}

	/** Addresses any meter names in a tag value ({@code host:port}, or Reactor Netty's {@code host/ip:port}). */
	Set<String> meterAddresses() {
		Set<String> found = new HashSet<>();
		for (Meter meter : meters()) {
			for (Tag tag : meter.getId().getTags()) {
				String value = tag.getValue();
				String address = value.substring(value.lastIndexOf('/') + 1);
				if (address.startsWith("127.") && address.contains(":")) {
					found.add(address);
				}
			}
		}
		return found;
	}

	/** The body of an endpoint read, such as {@code /actuator/hyperlane/loadbalancers}. */
	String read(String path) {
		String body = this.plain.get().uri(path).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(30));
		return (body != null) ? body : "";
	}

	/**
	 * Make the balancer compare each service's list with its states (at most once a second, on a choice): wait past
	 * the interval, make one call per service, and wait until the states and pools have followed the listing.
	 * @return whether they followed within 20 s
	 */
	boolean settle() {
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		while (System.nanoTime() < deadline) {
			pause(Duration.ofMillis(1100));
			calls(this.listing.getServices(), 8);
			if (followed()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Whether the states of every listed service are its listed instances, and every pool belongs to an instance the
	 * balancer keeps state for (services no longer listed at all keep theirs until their next call).
	 */
	private boolean followed() {
		Map<String, Set<String>> states = states();
		for (String service : this.listing.getServices()) {
			Set<String> addresses = new HashSet<>();
			this.listing.getInstances(service).forEach((instance) -> addresses.add(address(instance)));
			if (!addresses.equals(states.getOrDefault(service, Set.of()))) {
				return false;
			}
		}
		Set<String> kept = new HashSet<>();
		states.values().forEach(kept::addAll);
		return kept.containsAll(pools());
	}

	/** Heap in use after full collections, in bytes. */
	static long collectedHeap() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 4; i++) {
			System.gc();
			pause(Duration.ofMillis(150));
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

}
