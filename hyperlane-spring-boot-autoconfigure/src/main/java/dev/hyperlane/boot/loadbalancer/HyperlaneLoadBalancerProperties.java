package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Latency-aware load balancing for {@code @LoadBalanced} clients, on top of Spring Cloud LoadBalancer (its
 * discovery clients, caching and health-check suppliers stay as they are; Hyperlane replaces only the choice).
 * Bound through the constructor: each default is the component's {@link DefaultValue}, which the IDE metadata shows
 * too (the list default of {@code retry.status-codes} is repeated in the additional metadata).
 * <p>
 * Where the defaults come from: decay 10 s is Finagle's and Linkerd's peak-EWMA time constant; initial latency
 * 30 ms is Linkerd's default round-trip time; one retry on another instance is Spring Cloud's and Envoy's default;
 * the retried status codes are Envoy's {@code 5xx} retry condition less 501.
 *
 * @param enabled Whether Hyperlane chooses instances for Spring Cloud LoadBalancer.
 * @param strategy Strategy for every service without its own.
 * @param decay Time constant of the peak-EWMA latency average; an idle instance's average decays towards 0 over
 * it.
 * @param initialLatency Latency a new instance starts with before its first response.
 * @param failurePenalty Latency a failure (connect error, timeout, 5xx, 429, 503) counts as, so failing instances
 * are avoided like slow ones.
 * @param ejection Passive outlier ejection.
 * @param slowStart Slow start of new and returning instances.
 * @param retry Retry on another instance.
 * @param hedging Hedged requests.
 * @param services Options per service id, such as services.payments.strategy.
 */
@ConfigurationProperties("hyperlane.loadbalancer")
public record HyperlaneLoadBalancerProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("peak-ewma") LoadBalancingStrategy strategy, @DefaultValue("10s") Duration decay,
		@DefaultValue("30ms") Duration initialLatency, @DefaultValue("1s") Duration failurePenalty,
		@DefaultValue Ejection ejection, @DefaultValue SlowStartOptions slowStart, @DefaultValue Retry retry,
		@DefaultValue Hedging hedging, @DefaultValue Map<String, ServiceOptions> services) {

	/**
	 * Passive outlier ejection (Envoy's consecutive-failure detector).
	 *
	 * @param consecutiveFailures Failures in a row that eject an instance.
	 * @param baseTime First ejection's length; the n-th lasts n times as long.
	 * @param maxTime Longest ejection.
	 * @param maxPercent Most instances of a service ejected at once, in percent.
	 */
	public record Ejection(@DefaultValue("5") int consecutiveFailures, @DefaultValue("30s") Duration baseTime,
			@DefaultValue("300s") Duration maxTime, @DefaultValue("50") double maxPercent) {

	}

	/**
	 * Slow start of new and returning instances (Envoy's formula).
	 *
	 * @param window How long a new or returning instance ramps up its share; 0s turns slow start off.
	 * @param aggression How fast the share rises: 1 is linear, larger rises sooner.
	 * @param minWeightPercent Share of its weight an instance gets at the start, in percent.
	 */
	public record SlowStartOptions(@DefaultValue("30s") Duration window, @DefaultValue("1.0") double aggression,
			@DefaultValue("10") double minWeightPercent) {

	}

	/**
	 * Options of one service.
	 *
	 * @param strategy Strategy of this service; the global strategy when unset.
	 * @param hedging Hedging of this service.
	 */
	public record ServiceOptions(@Nullable LoadBalancingStrategy strategy, @DefaultValue ServiceHedging hedging) {

	}

	/**
	 * Retry on another instance for {@code @LoadBalanced WebClient} calls
	 * ({@link HyperlaneLoadBalancerExchangeFilterFunction}), within the service's retry budget. Not used when the
	 * application turns on Spring Cloud's own reactive retry ({@code spring.cloud.loadbalancer.retry.enabled=true}).
	 *
	 * @param enabled Whether to retry on another instance: a request that could not connect (nothing was sent), and
	 * a replayable request (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or one with an Idempotency-Key header) whose
	 * connection closed before any response or that was answered with one of the status codes below.
	 * @param maxRetries Retries on another instance per call.
	 * @param statusCodes Status codes after which a replayable request is sent to another instance (Envoy's "5xx"
	 * retry condition less 501).
	 */
	public record Retry(@DefaultValue("true") boolean enabled, @DefaultValue("1") int maxRetries,
			@DefaultValue({ "500", "502", "503", "504" }) List<Integer> statusCodes) {

	}

	/**
	 * Hedged requests for {@code @LoadBalanced WebClient} calls ({@link HedgingLoadBalancerExchangeFilterFunction}):
	 * a replayable call that has not answered after a delay is also sent to another instance, and the first answer
	 * wins.
	 *
	 * @param enabled Whether replayable calls (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or an Idempotency-Key header)
	 * are hedged.
	 * @param delay Delay before the hedge is sent. Unset: the service's 95th percentile latency over its recent
	 * calls.
	 * @param budgetPercent Hedges allowed, as a percentage of the service's calls over the retry budget's window.
	 */
	public record Hedging(@DefaultValue("false") boolean enabled, @Nullable Duration delay,
			@DefaultValue("5") double budgetPercent) {

	}

	/**
	 * Hedging of one service; unset values are the global ones.
	 *
	 * @param enabled Whether this service's replayable calls are hedged.
	 * @param delay Delay before this service's hedge is sent.
	 */
	public record ServiceHedging(@Nullable Boolean enabled, @Nullable Duration delay) {

	}

}
