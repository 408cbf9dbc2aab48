package dev.hyperlane.benchmark.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;

/**
 * The registry as the caller sees it: every service's instance list, replaced whole when membership changes (as a
 * registry client's refresh replaces its copy). It is the blocking discovery client; {@link Reactive} is the
 * reactive one (which Spring Cloud LoadBalancer reads in a WebFlux application) over the same lists.
 */
final class Listing implements DiscoveryClient {

	private volatile Map<String, List<ServiceInstance>> lists = Map.of();

	void set(Map<String, List<ServiceInstance>> lists) {
		this.lists = Map.copyOf(lists);
	}

	@Override
	public String description() {
		return "benchmark listing";
	}

	@Override
	public List<ServiceInstance> getInstances(String serviceId) {
		return this.lists.getOrDefault(serviceId, List.of());
	}

	@Override
	public List<String> getServices() {
		return new ArrayList<>(this.lists.keySet());
	}

	/**
	 * The reactive discovery client over the listing.
	 */
	static final class Reactive implements ReactiveDiscoveryClient {

		private final Listing listing;

		Reactive(Listing listing) {
			this.listing = listing;
		}

		@Override
		public String description() {
			return this.listing.description();
		}

		@Override
		public Flux<ServiceInstance> getInstances(String serviceId) {
			return Flux.fromIterable(this.listing.getInstances(serviceId));
		}

		@Override
		public Flux<String> getServices() {
			return Flux.fromIterable(this.listing.getServices());
		}

	}

}
