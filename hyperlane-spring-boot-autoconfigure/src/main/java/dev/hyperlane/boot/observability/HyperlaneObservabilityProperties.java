package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Meters and traces of the Reactor Netty server and clients, the connection pools, the allocator, the event loops,
 * the load balancer and the retries. Every meter group can be switched off on its own. Bound through the
 * constructor: each default is the component's {@link DefaultValue}, which the IDE metadata shows too (the list
 * default of {@code metrics.latency-buckets} is repeated in the additional metadata).
 *
 * @param enabled Whether Hyperlane publishes its own meters, the pool, allocator and event-loop gauges and the
 * latency histograms, and opens the request's trace scope while a handler runs. When false, Spring's HTTP request
 * observations (http.server.requests, http.client.requests: their timers and spans) are off too, unless Spring
 * Boot's management.observations.enable property for that name is set; actuator endpoints and other meters stay.
 * @param uriTagCap Most distinct values of the uri tag per meter name prefix (reactor.netty.http.server,
 * reactor.netty.http.client); past it new values are recorded as OVERFLOW, which takes the last place. Spring Boot
 * caps only http.* meters, with the same number (management.metrics.web.*.max-uri-tags).
 * @param metrics Meter groups.
 * @param tracing Tracing.
 */
@ConfigurationProperties("hyperlane.observability")
public record HyperlaneObservabilityProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("100") int uriTagCap, @DefaultValue Metrics metrics, @DefaultValue Tracing tracing) {

	/**
	 * Meter groups.
	 *
	 * @param server Whether the server also records Reactor Netty's reactor.netty.http.server.* meters (uri tag: the
	 * route template), a second instrumentation of every request next to Spring's http.server.requests; it cost 13 %
	 * of the CPU per request in benchmarks/README.md (S7).
	 * @param client Whether the clients also record Reactor Netty's reactor.netty.http.client.* meters (uri tag: the
	 * request's URI template), a second instrumentation of every call next to Spring's http.client.requests.
	 * @param pools Whether the reactor.netty.connection.provider.* gauges of the connection pools are published.
	 * @param allocator Whether the hyperlane.direct.memory.* gauges, and the reactor.netty.bytebuf.allocator.* ones
	 * Reactor Netty registers along with its server or client meters, are published.
	 * @param eventLoop Whether the hyperlane.eventloop.pending.tasks gauges, and the
	 * reactor.netty.eventloop.pending.tasks ones Reactor Netty registers along with its server or client meters, are
	 * published.
	 * @param loadBalancer Whether the hyperlane.loadbalancer.* meters (per service and instance) are published.
	 * @param retries Whether the hyperlane.client.* retry and retry-budget meters are published.
	 * @param exemplars Whether the Prometheus registry attaches exemplars (trace ids) to counters and timers, as
	 * Spring Boot does with tracing on. Prometheus servers older than 2.43 fail the whole scrape on them ("does not
	 * support exemplars"); set to false for those.
	 * @param latencyBuckets Histogram buckets of the request timers (http.server.requests, http.client.requests and,
	 * when turned on, reactor.netty.http.server.response.time and reactor.netty.http.client.response.time), for
	 * latency percentiles in Prometheus (histogram_quantile); applied unless a histogram is configured for them
	 * otherwise. Empty for none.
	 * @param longTaskTimers Whether Spring's observations also record a long task timer per observation
	 * (http.server.requests.active, http.client.requests.active: observations in flight, by method and status), as
	 * Spring Boot does unless management.metrics.observations.ignored-meters=long-task-timer. Its tags are taken when
	 * the observation starts, before the route is matched, so a server request's uri tag on it is UNKNOWN; false saves
	 * about 0.6 KB of allocation and 0.9 us of CPU per request (benchmarks/README.md, 18:25 entry).
	 */
	public record Metrics(@DefaultValue("false") boolean server, @DefaultValue("false") boolean client,
			@DefaultValue("true") boolean pools, @DefaultValue("true") boolean allocator,
			@DefaultValue("true") boolean eventLoop, @DefaultValue("true") boolean loadBalancer,
			@DefaultValue("true") boolean retries, @DefaultValue("true") boolean exemplars,
			@DefaultValue({ "5ms", "10ms", "25ms", "50ms", "100ms", "250ms", "500ms", "1s", "2500ms", "5s",
					"10s" }) List<Duration> latencyBuckets,
			@DefaultValue("true") boolean longTaskTimers) {

	}

	/**
	 * Tracing.
	 *
	 * @param loadBalancerInstance Whether the load balancer's chosen instance (host:port) is added to client spans as
	 * the high-cardinality key hyperlane.loadbalancer.instance.
	 * @param connectionSpans Whether Reactor Netty's connection-level spans (connect, address resolution, TLS
	 * handshake) are recorded; the request-level ones stay with Spring's instrumentation so nothing is duplicated.
	 * Turns on Reactor Netty's client meters too, which carry them.
	 * @param handlerScope Whether the server request's observation is made current (trace ids in the logging MDC)
	 * while a WebFlux handler runs on the event loop, with Spring Boot's default
	 * spring.reactor.context-propagation=limited. Log lines after an asynchronous hop (a WebClient answer, a database
	 * call) need spring.reactor.context-propagation=auto, which costs more per request (benchmarks/README.md, S7).
	 */
	public record Tracing(@DefaultValue("true") boolean loadBalancerInstance,
			@DefaultValue("false") boolean connectionSpans, @DefaultValue("true") boolean handlerScope) {

	}

}
