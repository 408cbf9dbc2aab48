package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

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

	private static final String METRICS = "metrics.";

	/**
	 * The meter groups, each switched by {@code hyperlane.observability.metrics.<group>}, in the order the endpoint
	 * lists them ({@link #groupKey}).
	 */
	static final List<Setting<HyperlaneObservabilityProperties, Boolean>> METER_GROUPS = List.of(
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
					"trace ids on meters, as Spring Boot attaches them with tracing on"));

	private static final Setting<HyperlaneObservabilityProperties, List<Duration>> LATENCY_BUCKETS = Setting.of(
			"metrics.latency-buckets", Bindable.listOf(Duration.class),
			(HyperlaneObservabilityProperties properties) -> List.copyOf(properties.metrics().latencyBuckets()),
			List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
					Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
					Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)),
			"from 5 ms to 10 s, for histogram_quantile in Prometheus");

	private static final Setting<HyperlaneObservabilityProperties, Boolean> LONG_TASK_TIMERS = flag(
			"metrics.long-task-timers", (properties) -> properties.metrics().longTaskTimers(), true,
			"Spring Boot records them (requests in flight); false saves about 0.9 us per request");

	private static final List<Setting<HyperlaneObservabilityProperties, Boolean>> TRACING = List.of(
			flag("tracing.load-balancer-instance", (properties) -> properties.tracing().loadBalancerInstance(),
					true, "a slow span names the instance that served it"),
			flag("tracing.connection-spans", (properties) -> properties.tracing().connectionSpans(), false,
					"connect, DNS and TLS spans turn on Reactor Netty's client meters too"),
			flag("tracing.handler-scope", (properties) -> properties.tracing().handlerScope(), true,
					"trace ids in the logging MDC while a handler runs, with Boot's limited context propagation"));

	/** Every observability setting; the configuration metadata is checked against their defaults. */
	public static final List<Setting<HyperlaneObservabilityProperties, ?>> SETTINGS = Stream
		.<List<? extends Setting<HyperlaneObservabilityProperties, ?>>>of(List.of(URI_TAG_CAP), METER_GROUPS,
				List.of(LATENCY_BUCKETS, LONG_TASK_TIMERS), TRACING)
		.<Setting<HyperlaneObservabilityProperties, ?>>flatMap(List::stream)
		.toList();

	private ObservabilitySettings() {
	}

	private static Setting<HyperlaneObservabilityProperties, Boolean> flag(String name,
			Function<HyperlaneObservabilityProperties, Boolean> read, boolean defaultValue,
			String reason) {
		return Setting.of(name, Boolean.class, read::apply, defaultValue, reason);
	}

	/**
	 * Return the key a meter group has in the endpoint: its property name below {@code metrics} in camel case
	 * ({@code metrics.event-loop} is {@code eventLoop}).
	 * @param group one of {@link #METER_GROUPS}
	 * @return the key
	 */
	static String groupKey(Setting<?, ?> group) {
		String[] words = group.name().substring(METRICS.length()).split("-");
		StringBuilder key = new StringBuilder(words[0]);
		for (int i = 1; i < words.length; i++) {
			key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
		}
		return key.toString();
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
