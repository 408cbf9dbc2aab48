package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * The {@code hyperlane.observability.*} settings as the {@code hyperlane} endpoint shows them: one {@link Setting}
 * descriptor per property, resolved by {@link SettingResolver} with each value's source and reason. The meters and
 * tracing read the same bound {@link HyperlaneObservabilityProperties}, whose constructor defaults
 * {@code ConfigurationMetadataTests} checks against these defaults.
 * <p>
 * Defaults and their reasons: Reactor Netty's request meters off because they instrument every request a second
 * time (13 % of the CPU per request, benchmarks S7); the uri tag cap 100, Spring Boot's own
 * {@code max-uri-tags}; gauges and exemplars on because they cost nothing per request.
 */
public final class ObservabilitySettings {

	private static final String PREFIX = "hyperlane.observability";

	private static final String GAUGE_REASON = "a gauge read at scrape time costs nothing per request";

	static final Setting<HyperlaneObservabilityProperties, Integer> URI_TAG_CAP = Setting
		.of("uri-tag-cap", Integer.class, HyperlaneObservabilityProperties::uriTagCap, 100,
				"Spring Boot's own cap of the uri tag (management.metrics.web.*.max-uri-tags)");

	/** Every observability setting; the configuration metadata is checked against their defaults. */
	public static final List<Setting<HyperlaneObservabilityProperties, ?>> SETTINGS = List.of(URI_TAG_CAP,
			flag("metrics.server", (properties) -> properties.metrics().server(), false,
					"a second instrumentation of every request next to Spring's http.server.requests (S7: 13 % CPU)"),
			flag("metrics.client", (properties) -> properties.metrics().client(), false,
					"a second instrumentation of every call next to Spring's http.client.requests"),
			flag("metrics.pools", (properties) -> properties.metrics().pools(), true, GAUGE_REASON),
			flag("metrics.allocator", (properties) -> properties.metrics().allocator(), true, GAUGE_REASON),
			flag("metrics.event-loop", (properties) -> properties.metrics().eventLoop(), true, GAUGE_REASON),
			flag("metrics.load-balancer", (properties) -> properties.metrics().loadBalancer(), true,
					"per-instance choices, latency and ejections explain the balancer's decisions"),
			flag("metrics.retries", (properties) -> properties.metrics().retries(), true,
					"retries and the retry budget show when calls are replayed"),
			flag("metrics.exemplars", (properties) -> properties.metrics().exemplars(), true,
					"trace ids on meters, as Spring Boot attaches them with tracing on"),
			Setting.of("metrics.latency-buckets", Bindable.listOf(Duration.class),
					(HyperlaneObservabilityProperties properties) -> List.copyOf(properties.metrics().latencyBuckets()),
					List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
							Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
							Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)),
					"from 5 ms to 10 s, for histogram_quantile in Prometheus"),
			flag("metrics.long-task-timers", (properties) -> properties.metrics().longTaskTimers(), false,
					"the in-flight timer of each observation is tagged before the route is known (uri UNKNOWN)"
							+ " and costs about 0.9 us per request"),
			flag("tracing.load-balancer-instance", (properties) -> properties.tracing().loadBalancerInstance(),
					true, "a slow span names the instance that served it"),
			flag("tracing.connection-spans", (properties) -> properties.tracing().connectionSpans(), false,
					"connect, DNS and TLS spans turn on Reactor Netty's client meters too"),
			flag("tracing.handler-scope", (properties) -> properties.tracing().handlerScope(), true,
					"trace ids in the logging MDC while a handler runs, with Boot's limited context propagation"));

	private ObservabilitySettings() {
	}

	private static Setting<HyperlaneObservabilityProperties, Boolean> flag(String name,
			Function<HyperlaneObservabilityProperties, Boolean> read, boolean defaultValue,
			String reason) {
		return Setting.of(name, Boolean.class, read::apply, defaultValue, reason);
	}

	/**
	 * Resolve every setting with its source.
	 * @param properties the bound properties
	 * @param explicit tells which properties the application set
	 * @return the settings keyed by property
	 */
	static Map<String, EffectiveSetting> resolve(HyperlaneObservabilityProperties properties,
			ExplicitProperties explicit) {
		SettingResolver<HyperlaneObservabilityProperties> resolver = new SettingResolver<>(
				List.of(SettingResolver.Layer.explicit(PREFIX, properties, explicit)), PREFIX, explicit, null);
		for (Setting<HyperlaneObservabilityProperties, ?> setting : SETTINGS) {
			resolver.resolve(setting);
		}
		return resolver.settings().byProperty();
	}

}
