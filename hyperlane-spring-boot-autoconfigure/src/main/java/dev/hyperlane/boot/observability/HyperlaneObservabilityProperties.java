package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Meters and traces of the Reactor Netty server and clients, the connection pools, the allocator, the event loops,
 * the load balancer and the retries. Every meter group can be switched off on its own.
 */
@ConfigurationProperties("hyperlane.observability")
public class HyperlaneObservabilityProperties {

	/**
	 * Whether Hyperlane publishes its own meters, the pool, allocator and event-loop gauges and the latency
	 * histograms, and opens the request's trace scope while a handler runs. When false, Spring's HTTP request
	 * observations (http.server.requests, http.client.requests: their timers and spans) are off too, unless Spring
	 * Boot's management.observations.enable property for that name is set; actuator endpoints and other meters
	 * stay.
	 */
	private boolean enabled = true;

	/**
	 * Most distinct values of the uri tag per meter name prefix (reactor.netty.http.server,
	 * reactor.netty.http.client); past it new values are recorded as OVERFLOW, which takes the last place. Spring
	 * Boot caps only http.* meters, with the same number (management.metrics.web.*.max-uri-tags).
	 */
	private int uriTagCap = 100;

	private final Metrics metrics = new Metrics();

	private final Tracing tracing = new Tracing();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getUriTagCap() {
		return this.uriTagCap;
	}

	public void setUriTagCap(int uriTagCap) {
		this.uriTagCap = uriTagCap;
	}

	public Metrics getMetrics() {
		return this.metrics;
	}

	public Tracing getTracing() {
		return this.tracing;
	}

	/**
	 * Meter groups.
	 */
	public static class Metrics {

		/**
		 * Whether the server also records Reactor Netty's reactor.netty.http.server.* meters (uri tag: the route
		 * template), a second instrumentation of every request next to Spring's http.server.requests; it cost 13 %
		 * of the CPU per request in benchmarks/README.md (S7).
		 */
		private boolean server;

		/**
		 * Whether the clients also record Reactor Netty's reactor.netty.http.client.* meters (uri tag: the
		 * request's URI template), a second instrumentation of every call next to Spring's http.client.requests.
		 */
		private boolean client;

		/**
		 * Whether the reactor.netty.connection.provider.* gauges of the connection pools are published.
		 */
		private boolean pools = true;

		/**
		 * Whether the hyperlane.direct.memory.* gauges, and the reactor.netty.bytebuf.allocator.* ones Reactor
		 * Netty registers along with its server or client meters, are published.
		 */
		private boolean allocator = true;

		/**
		 * Whether the hyperlane.eventloop.pending.tasks gauges, and the reactor.netty.eventloop.pending.tasks ones
		 * Reactor Netty registers along with its server or client meters, are published.
		 */
		private boolean eventLoop = true;

		/**
		 * Whether the hyperlane.loadbalancer.* meters (per service and instance) are published.
		 */
		private boolean loadBalancer = true;

		/**
		 * Whether the hyperlane.client.* retry and retry-budget meters are published.
		 */
		private boolean retries = true;

		/**
		 * Whether the Prometheus registry attaches exemplars (trace ids) to counters and timers, as Spring Boot
		 * does with tracing on. Prometheus servers older than 2.43 fail the whole scrape on them ("does not
		 * support exemplars"); set to false for those.
		 */
		private boolean exemplars = true;

		public boolean isExemplars() {
			return this.exemplars;
		}

		public void setExemplars(boolean exemplars) {
			this.exemplars = exemplars;
		}

		/**
		 * Histogram buckets of the request timers (http.server.requests, http.client.requests and, when turned on,
		 * reactor.netty.http.server.response.time and reactor.netty.http.client.response.time), for latency
		 * percentiles in Prometheus (histogram_quantile); applied unless a histogram is configured for them
		 * otherwise. Empty for none.
		 */
		private List<Duration> latencyBuckets = new ArrayList<>(List.of(Duration.ofMillis(5), Duration.ofMillis(10),
				Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
				Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
				Duration.ofSeconds(10)));

		public List<Duration> getLatencyBuckets() {
			return this.latencyBuckets;
		}

		public void setLatencyBuckets(List<Duration> latencyBuckets) {
			this.latencyBuckets = latencyBuckets;
		}

		public boolean isServer() {
			return this.server;
		}

		public void setServer(boolean server) {
			this.server = server;
		}

		public boolean isClient() {
			return this.client;
		}

		public void setClient(boolean client) {
			this.client = client;
		}

		public boolean isPools() {
			return this.pools;
		}

		public void setPools(boolean pools) {
			this.pools = pools;
		}

		public boolean isAllocator() {
			return this.allocator;
		}

		public void setAllocator(boolean allocator) {
			this.allocator = allocator;
		}

		public boolean isEventLoop() {
			return this.eventLoop;
		}

		public void setEventLoop(boolean eventLoop) {
			this.eventLoop = eventLoop;
		}

		public boolean isLoadBalancer() {
			return this.loadBalancer;
		}

		public void setLoadBalancer(boolean loadBalancer) {
			this.loadBalancer = loadBalancer;
		}

		public boolean isRetries() {
			return this.retries;
		}

		public void setRetries(boolean retries) {
			this.retries = retries;
		}

	}

	/**
	 * Tracing.
	 */
	public static class Tracing {

		/**
		 * Whether the load balancer's chosen instance (host:port) is added to client spans as the high-cardinality
		 * key hyperlane.loadbalancer.instance.
		 */
		private boolean loadBalancerInstance = true;

		/**
		 * Whether Reactor Netty's connection-level spans (connect, address resolution, TLS handshake) are
		 * recorded; the request-level ones stay with Spring's instrumentation so nothing is duplicated. Turns on
		 * Reactor Netty's client meters too, which carry them.
		 */
		private boolean connectionSpans = false;

		/**
		 * Whether the server request's observation is made current (trace ids in the logging MDC) while a WebFlux
		 * handler runs on the event loop, with Spring Boot's default spring.reactor.context-propagation=limited.
		 * Log lines after an asynchronous hop (a WebClient answer, a database call) need
		 * spring.reactor.context-propagation=auto, which costs more per request (benchmarks/README.md, S7).
		 */
		private boolean handlerScope = true;

		public boolean isHandlerScope() {
			return this.handlerScope;
		}

		public void setHandlerScope(boolean handlerScope) {
			this.handlerScope = handlerScope;
		}

		public boolean isLoadBalancerInstance() {
			return this.loadBalancerInstance;
		}

		public void setLoadBalancerInstance(boolean loadBalancerInstance) {
			this.loadBalancerInstance = loadBalancerInstance;
		}

		public boolean isConnectionSpans() {
			return this.connectionSpans;
		}

		public void setConnectionSpans(boolean connectionSpans) {
			this.connectionSpans = connectionSpans;
		}

	}

}
