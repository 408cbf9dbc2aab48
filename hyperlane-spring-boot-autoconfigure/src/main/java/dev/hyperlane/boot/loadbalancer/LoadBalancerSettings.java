package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.ResolvedSettings;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancerProperties.ServiceOptions;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.Bindable;

/**
 * The {@code hyperlane.loadbalancer.*} settings as applied: one {@link Setting} descriptor per property, resolved by
 * {@link SettingResolver} from the properties the application set and the defaults below, each value kept with its
 * source and reason for the {@code loadbalancers} section of the endpoint. A service's own
 * {@code hyperlane.loadbalancer.services.<id>.*} (strategy, hedging) wins over the setting for every service, which
 * it inherits with its source otherwise ({@link #service(String)}). Immutable and thread-safe.
 * <p>
 * Defaults and where their numbers come from: peak EWMA with a 10 s decay (Finagle's and Linkerd's time constant)
 * and a 30 ms initial latency (Linkerd's default round-trip time); failure penalty 1 s; ejection after 5 failures in
 * a row for 30 s, at most 300 s and at most half the instances (Envoy's outlier detection); slow start over 30 s
 * from 10 % of the weight, linear (Envoy's slow start); one retry on another instance after a connect failure or
 * 500, 502, 503, 504 (Spring Cloud's and Envoy's default, Envoy's {@code 5xx} condition less 501); hedging off,
 * with the service's recent p95 as delay and 5 % of its calls as budget when on.
 */
public final class LoadBalancerSettings {

	static final String PREFIX = "hyperlane.loadbalancer";

	private static final String NOT_NEGATIVE = "0s or more";

	static final Setting<HyperlaneLoadBalancerProperties, LoadBalancingStrategy> STRATEGY = Setting.of("strategy",
			LoadBalancingStrategy.class, HyperlaneLoadBalancerProperties::strategy, LoadBalancingStrategy.PEAK_EWMA,
			"latency times requests in flight avoids slow instances (Finagle, Linkerd); Spring Cloud uses round robin");

	static final Setting<HyperlaneLoadBalancerProperties, Duration> DECAY = Setting
		.of("decay", Duration.class, HyperlaneLoadBalancerProperties::decay, Duration.ofSeconds(10),
				"Finagle's and Linkerd's peak-EWMA time constant")
		.withCheck(Setting::positive, "a positive duration, such as 10s");

	static final Setting<HyperlaneLoadBalancerProperties, Duration> INITIAL_LATENCY = Setting
		.of("initial-latency", Duration.class, HyperlaneLoadBalancerProperties::initialLatency,
				Duration.ofMillis(30), "Linkerd's default round-trip time for an instance not yet measured")
		.withCheck((latency) -> !latency.isNegative(), NOT_NEGATIVE);

	static final Setting<HyperlaneLoadBalancerProperties, Duration> FAILURE_PENALTY = Setting
		.of("failure-penalty", Duration.class, HyperlaneLoadBalancerProperties::failurePenalty,
				Duration.ofSeconds(1), "a failing instance is avoided like one answering in a second")
		.withCheck((penalty) -> !penalty.isNegative(), NOT_NEGATIVE);

	static final Setting<HyperlaneLoadBalancerProperties, Integer> EJECTION_CONSECUTIVE_FAILURES = Setting
		.of("ejection.consecutive-failures", Integer.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.ejection().consecutiveFailures(), 5,
				"Envoy's consecutive-5xx outlier detection")
		.withCheck((count) -> count >= 1, "1 or more");

	static final Setting<HyperlaneLoadBalancerProperties, Duration> EJECTION_BASE_TIME = Setting
		.of("ejection.base-time", Duration.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.ejection().baseTime(),
				Duration.ofSeconds(30), "Envoy's base ejection time; the n-th ejection lasts n times as long")
		.withCheck((time) -> !time.isNegative(), NOT_NEGATIVE);

	static final Setting<HyperlaneLoadBalancerProperties, Duration> EJECTION_MAX_TIME = Setting.of(
			"ejection.max-time", Duration.class,
			(HyperlaneLoadBalancerProperties properties) -> properties.ejection().maxTime(),
			Duration.ofSeconds(300), "Envoy's longest ejection");

	static final Setting<HyperlaneLoadBalancerProperties, Double> EJECTION_MAX_PERCENT = Setting
		.of("ejection.max-percent", Double.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.ejection().maxPercent(), 50.0,
				"at least half the instances keep taking requests")
		.withCheck((percent) -> Setting.between(percent, 0, 100), "0 to 100");

	static final Setting<HyperlaneLoadBalancerProperties, Duration> SLOW_START_WINDOW = Setting
		.of("slow-start.window", Duration.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.slowStart().window(),
				Duration.ofSeconds(30), "long enough for a JVM's JIT to warm up before a full share")
		.withCheck((window) -> !window.isNegative(), "0s (off) or more");

	static final Setting<HyperlaneLoadBalancerProperties, Double> SLOW_START_AGGRESSION = Setting
		.of("slow-start.aggression", Double.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.slowStart().aggression(), 1.0,
				"Envoy's default: the share rises linearly")
		.withCheck((aggression) -> aggression > 0, "above 0");

	static final Setting<HyperlaneLoadBalancerProperties, Double> SLOW_START_MIN_WEIGHT_PERCENT = Setting
		.of("slow-start.min-weight-percent", Double.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.slowStart().minWeightPercent(), 10.0,
				"Envoy's min_weight_percent: a new instance gets some requests from the start")
		.withCheck((percent) -> Setting.between(percent, 0, 100), "0 to 100");

	static final Setting<HyperlaneLoadBalancerProperties, Boolean> RETRY_ENABLED = Setting.of("retry.enabled",
			Boolean.class, (HyperlaneLoadBalancerProperties properties) -> properties.retry().enabled(), true,
			"a call that failed on one instance is tried on another, within the retry budget");

	static final Setting<HyperlaneLoadBalancerProperties, Integer> RETRY_MAX_RETRIES = Setting
		.of("retry.max-retries", Integer.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.retry().maxRetries(), 1,
				"Spring Cloud's and Envoy's default")
		.withCheck((count) -> count >= 0, "0 (no retry) or more");

	static final Setting<HyperlaneLoadBalancerProperties, List<Integer>> RETRY_STATUS_CODES = Setting
		.of("retry.status-codes", Bindable.listOf(Integer.class),
				(HyperlaneLoadBalancerProperties properties) -> List.copyOf(properties.retry().statusCodes()),
				List.of(500, 502, 503, 504), "Envoy's 5xx retry condition less 501")
		.withCheck((codes) -> codes.stream().allMatch((code) -> code >= 100 && code <= 599),
				"status codes from 100 to 599, such as 500, 502, 503, 504");

	static final Setting<HyperlaneLoadBalancerProperties, Boolean> HEDGING_ENABLED = Setting.of("hedging.enabled",
			Boolean.class, (HyperlaneLoadBalancerProperties properties) -> properties.hedging().enabled(), false,
			"a hedge is a second call: turned on where tail latency matters more than the extra calls");

	static final Setting<HyperlaneLoadBalancerProperties, Duration> HEDGING_DELAY = Setting
		.of("hedging.delay", Duration.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.hedging().delay(), null,
				"unset: the service's 95th percentile latency over its recent calls")
		.withCheck(Setting::positive, "a positive duration, or unset for the service's p95 latency");

	static final Setting<HyperlaneLoadBalancerProperties, Double> HEDGING_BUDGET_PERCENT = Setting
		.of("hedging.budget-percent", Double.class,
				(HyperlaneLoadBalancerProperties properties) -> properties.hedging().budgetPercent(), 5.0,
				"hedges add at most a twentieth to a service's calls")
		.withCheck((percent) -> Setting.between(percent, 0, 100), "0 to 100");

	/**
	 * Every {@code hyperlane.loadbalancer.*} setting for all services, in the order the endpoint shows them; the
	 * configuration metadata is checked against their defaults.
	 */
	public static final List<Setting<HyperlaneLoadBalancerProperties, ?>> SETTINGS = List.of(STRATEGY, DECAY,
			INITIAL_LATENCY, FAILURE_PENALTY, EJECTION_CONSECUTIVE_FAILURES, EJECTION_BASE_TIME, EJECTION_MAX_TIME,
			EJECTION_MAX_PERCENT, SLOW_START_WINDOW, SLOW_START_AGGRESSION, SLOW_START_MIN_WEIGHT_PERCENT,
			RETRY_ENABLED, RETRY_MAX_RETRIES, RETRY_STATUS_CODES, HEDGING_ENABLED, HEDGING_DELAY,
			HEDGING_BUDGET_PERCENT);

	static final Setting<ServiceOptions, LoadBalancingStrategy> SERVICE_STRATEGY = Setting.of("strategy",
			LoadBalancingStrategy.class, ServiceOptions::strategy, null, "the strategy for every service");

	static final Setting<ServiceOptions, Boolean> SERVICE_HEDGING_ENABLED = Setting.of("hedging.enabled",
			Boolean.class, (ServiceOptions options) -> options.hedging().enabled(), null,
			"hedging for every service");

	static final Setting<ServiceOptions, Duration> SERVICE_HEDGING_DELAY = Setting
		.of("hedging.delay", Duration.class, (ServiceOptions options) -> options.hedging().delay(), null,
				"the hedging delay for every service")
		.withCheck(Setting::positive, "a positive duration, or unset for the service's p95 latency");

	private final ResolvedSettings global;

	private final Map<String, ServiceOptions> options;

	private final Map<String, Service> services = new ConcurrentHashMap<>();

	private final LoadBalancingStrategy strategy;

	private final Duration failurePenalty;

	private LoadBalancerSettings(ResolvedSettings global, Map<String, ServiceOptions> options) {
		this.global = global;
		this.options = Map.copyOf(options);
		this.strategy = global.require(STRATEGY);
		this.failurePenalty = global.require(FAILURE_PENALTY);
		// a service's own settings are checked at start-up, those of every other service on its first call
		this.options.keySet().forEach(this::service);
	}

	/**
	 * Resolve the settings as the application set them.
	 * @param properties the bound properties
	 * @param explicit tells which properties the application set; a value it did not set is Hyperlane's default
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static LoadBalancerSettings resolve(HyperlaneLoadBalancerProperties properties,
			ExplicitProperties explicit) {
		return resolve(SettingResolver.Layer.explicit(PREFIX, properties, explicit), properties);
	}

	/**
	 * Resolve settings built in code: every value of the properties counts as set.
	 * @param properties the properties
	 * @return the settings
	 * @throws HyperlaneSettingException when a value is out of range
	 */
	public static LoadBalancerSettings of(HyperlaneLoadBalancerProperties properties) {
		return resolve(SettingResolver.Layer.nullable(PREFIX, properties), properties);
	}

	private static LoadBalancerSettings resolve(SettingResolver.Layer<HyperlaneLoadBalancerProperties> layer,
			HyperlaneLoadBalancerProperties properties) {
		SettingResolver<HyperlaneLoadBalancerProperties> resolver = new SettingResolver<>(List.of(layer), PREFIX,
				null, null);
		SETTINGS.forEach(resolver::resolve);
		ResolvedSettings settings = resolver.settings();
		Duration base = settings.require(EJECTION_BASE_TIME);
		if (settings.require(EJECTION_MAX_TIME).compareTo(base) < 0) {
			throw SettingResolver.outOfRange(settings.byName().get(EJECTION_MAX_TIME.name()),
					PREFIX + "." + EJECTION_BASE_TIME.name() + " (" + EffectiveSetting.display(base) + ") or more");
		}
		return new LoadBalancerSettings(settings, properties.services());
	}

	/**
	 * Return the settings of one service: its own where it has them, else those for every service.
	 * @param serviceId the service id
	 * @return the service's settings
	 * @throws HyperlaneSettingException when one of the service's own values is out of range
	 */
	public Service service(String serviceId) {
		Service service = this.services.get(serviceId);
		return (service != null) ? service : this.services.computeIfAbsent(serviceId, this::resolveService);
	}

	private Service resolveService(String serviceId) {
		ServiceOptions own = this.options.get(serviceId);
		List<SettingResolver.Layer<ServiceOptions>> layers = (own != null)
				? List.of(SettingResolver.Layer.nullable(PREFIX + ".services." + serviceId, own)) : List.of();
		SettingResolver<ServiceOptions> resolver = new SettingResolver<>(layers, PREFIX, null, null);
		LoadBalancingStrategy strategy = resolver.inherit(SERVICE_STRATEGY, this.global, STRATEGY);
		Boolean hedging = resolver.inherit(SERVICE_HEDGING_ENABLED, this.global, HEDGING_ENABLED);
		Duration delay = resolver.inherit(SERVICE_HEDGING_DELAY, this.global, HEDGING_DELAY);
		Map<String, EffectiveSetting> all = new LinkedHashMap<>(this.global.byName());
		all.putAll(resolver.settings().byName());
		Map<String, EffectiveSetting> byProperty = new LinkedHashMap<>();
		all.values().forEach((setting) -> byProperty.put(setting.property(), setting));
		return new Service((strategy != null) ? strategy : this.strategy, Boolean.TRUE.equals(hedging), delay,
				byProperty);
	}

	/**
	 * Return the value of a setting for every service.
	 * @param setting the setting's descriptor, one of this class's constants
	 * @param <T> the value's type
	 * @return the value, or {@code null} when unset
	 */
	public <T> @Nullable T get(Setting<HyperlaneLoadBalancerProperties, T> setting) {
		return this.global.get(setting);
	}

	/**
	 * Return the value of a setting for every service that always has one.
	 * @param setting the setting's descriptor, one of this class's constants
	 * @param <T> the value's type
	 * @return the value
	 */
	public <T> T require(Setting<HyperlaneLoadBalancerProperties, T> setting) {
		return this.global.require(setting);
	}

	/**
	 * Return the strategy for services without their own.
	 * @return the strategy
	 */
	public LoadBalancingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * Return the latency a failure counts as; read for every finished request.
	 * @return the penalty
	 */
	public Duration failurePenalty() {
		return this.failurePenalty;
	}

	/**
	 * Return whether hedging is on for every service or for one of its own.
	 * @return {@code true} when any service may be hedged
	 */
	public boolean anyHedged() {
		return this.global.require(HEDGING_ENABLED)
				|| this.options.keySet().stream().anyMatch((id) -> service(id).hedged());
	}

	/**
	 * The settings of one service.
	 *
	 * @param strategy its strategy
	 * @param hedged whether its replayable calls are hedged
	 * @param hedgingDelay the delay before its hedge, or {@code null} for its recent p95 latency
	 * @param effective every load-balancer setting as it applies to the service, with its source and reason, keyed
	 * by the property that set it (or would set it)
	 */
	public record Service(LoadBalancingStrategy strategy, boolean hedged, @Nullable Duration hedgingDelay,
			Map<String, EffectiveSetting> effective) {

		/**
		 * Create the settings, keeping the order of the effective settings.
		 * @param strategy its strategy
		 * @param hedged whether its calls are hedged
		 * @param hedgingDelay the hedging delay, or {@code null}
		 * @param effective the effective settings
		 */
		public Service {
			effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
		}

	}

}
