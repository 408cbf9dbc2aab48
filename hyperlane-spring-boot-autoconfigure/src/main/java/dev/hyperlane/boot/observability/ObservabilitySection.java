package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;
import dev.hyperlane.boot.Setting;
import org.jspecify.annotations.Nullable;

import org.springframework.core.env.Environment;

/**
 * The {@code observability} section of the {@code hyperlane} endpoint: which meter groups and tracing features are
 * on, the cap on {@code uri} tag values and how many distinct values each Reactor Netty meter prefix has now, and
 * the route templates the server tags with. Advises when a prefix reached the cap (its requests are then recorded
 * as {@code OVERFLOW}).
 *
 * @param name the section's name, {@link SectionNames#OBSERVABILITY}
 * @param properties the observability properties
 * @param cap the uri tag cap in force
 * @param routes the server's route templates, or {@code null} when server meters are off
 * @param connectionSpans whether connection-level spans are installed
 * @param environment the environment, for Spring Boot's tracing settings
 * @param handlerScope whether the request's observation is made current while a handler runs
 * ({@link ObservationScopeWebFilter})
 * @param meters the meter handler of Spring's observations, or {@code null} when Micrometer's records them
 * @param settings the {@code hyperlane.observability.*} settings with their sources, keyed by property
 */
public record ObservabilitySection(String name, HyperlaneObservabilityProperties properties, UriTagCap cap,
		@Nullable RouteTemplates routes, boolean connectionSpans, Environment environment, boolean handlerScope,
		@Nullable ObservationMeters meters, Map<String, EffectiveSetting> settings) implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#OBSERVABILITY}, with the settings resolved from the properties.
	 * @param properties the observability properties
	 * @param cap the uri tag cap in force
	 * @param routes the server's route templates, or {@code null} when server meters are off
	 * @param connectionSpans whether connection-level spans are installed
	 * @param environment the environment, for Spring Boot's tracing settings and which properties were set
	 * @param handlerScope whether the request's observation is made current while a handler runs
	 * ({@link ObservationScopeWebFilter})
	 * @param meters the meter handler of Spring's observations, or {@code null} when Micrometer's records them
	 */
	public ObservabilitySection(HyperlaneObservabilityProperties properties, UriTagCap cap,
			@Nullable RouteTemplates routes, boolean connectionSpans, Environment environment, boolean handlerScope,
			@Nullable ObservationMeters meters) {
		this(SectionNames.OBSERVABILITY, properties, cap, routes, connectionSpans, environment, handlerScope, meters,
				ObservabilitySettings.resolve(properties, new ExplicitProperties(environment)));
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		Map<String, Object> groups = new LinkedHashMap<>();
		for (Setting<HyperlaneObservabilityProperties, Boolean> group : ObservabilitySettings.METER_GROUPS) {
			groups.put(ObservabilitySettings.groupKey(group), group.read().apply(this.properties));
		}
		// server meters need a Reactor Netty server: a servlet application's server is not measured here
		groups.put("server", this.routes != null);
		groups.put("longTaskTimers", (this.meters != null) ? this.meters.longTaskTimers() : "Spring Boot's handler");
		description.put("metrics", groups);
		Map<String, Object> uriTags = new LinkedHashMap<>();
		uriTags.put("cap", this.cap.cap());
		uriTags.put("distinctValues", this.cap.distinctValues());
		uriTags.put("overflowed", this.cap.overflowed());
		if (this.routes != null) {
			uriTags.put("serverRouteTemplates", this.routes.patterns().size());
		}
		description.put("uriTags", uriTags);
		Map<String, Object> tracing = new LinkedHashMap<>();
		tracing.put("contextPropagation", this.environment.getProperty("spring.reactor.context-propagation", "limited"));
		tracing.put("handlerScope", this.handlerScope);
		tracing.put("samplingProbability", this.environment.getProperty("management.tracing.sampling.probability", "0.1"));
		tracing.put("otlpEndpoint",
				this.environment.getProperty("management.opentelemetry.tracing.export.otlp.endpoint", "(not set)"));
		tracing.put("loadBalancerInstanceKey", this.properties.tracing().loadBalancerInstance());
		tracing.put("connectionSpans", this.connectionSpans);
		description.put("tracing", tracing);
		description.put("settings", EffectiveSetting.describeAll(this.settings.values()));
		return description;
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		// Boot turns Reactor Netty's meters off, as the starter does unless asked
		List<ChangedDefault> changes = new ArrayList<>();
		if (this.routes != null) {
			changes.add(new ChangedDefault("hyperlane.observability.metrics.server", "true"));
		}
		if (this.properties.metrics().client()) {
			changes.add(new ChangedDefault("hyperlane.observability.metrics.client", "true"));
		}
		return changes;
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		this.cap.overflowed().forEach((prefix, count) -> {
			if (count > 0) {
				advice.add(Advice.warning(prefix + ".* meters reached the cap of " + this.cap.cap()
						+ " uri tag values; " + count + " meters were recorded as " + UriTagCap.OVERFLOW,
						"hyperlane.observability.uri-tag-cap",
						"call WebClient with URI templates (uri(\"/items/{id}\", id)) rather than built strings,"
								+ " or raise the cap if the application really has that many routes"));
			}
		});
		return advice;
	}

}
