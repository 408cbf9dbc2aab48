package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Latency-aware load balancing for {@code @LoadBalanced} clients, on top of Spring Cloud LoadBalancer (its
 * discovery clients, caching and health-check suppliers stay as they are; Hyperlane replaces only the choice).
 * <p>
 * Where the defaults come from: decay 10 s is Finagle's and Linkerd's peak-EWMA time constant; initial latency
 * 30 ms is Linkerd's default round-trip time; one retry on another instance is Spring Cloud's and Envoy's default;
 * the retried status codes are Envoy's {@code 5xx} retry condition less 501.
 */
@ConfigurationProperties("hyperlane.loadbalancer")
public class HyperlaneLoadBalancerProperties {

	/**
	 * Whether Hyperlane chooses instances for Spring Cloud LoadBalancer.
	 */
	private boolean enabled = true;

	/**
	 * Strategy for every service without its own.
	 */
	private LoadBalancingStrategy strategy = LoadBalancingStrategy.PEAK_EWMA;

	/**
	 * Time constant of the peak-EWMA latency average; an idle instance's average decays towards 0 over it.
	 */
	private Duration decay = Duration.ofSeconds(10);

	/**
	 * Latency a new instance starts with before its first response.
	 */
	private Duration initialLatency = Duration.ofMillis(30);

	/**
	 * Latency a failure (connect error, timeout, 5xx, 429, 503) counts as, so failing instances are avoided like
	 * slow ones.
	 */
	private Duration failurePenalty = Duration.ofSeconds(1);

	private final Ejection ejection = new Ejection();

	private final SlowStartOptions slowStart = new SlowStartOptions();

	private final Retry retry = new Retry();

	private final Hedging hedging = new Hedging();

	/**
	 * Options per service id, such as services.payments.strategy.
	 */
	private Map<String, ServiceOptions> services = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public LoadBalancingStrategy getStrategy() {
		return this.strategy;
	}

	public void setStrategy(LoadBalancingStrategy strategy) {
		this.strategy = strategy;
	}

	public Duration getDecay() {
		return this.decay;
	}

	public void setDecay(Duration decay) {
		this.decay = decay;
	}

	public Duration getInitialLatency() {
		return this.initialLatency;
	}

	public void setInitialLatency(Duration initialLatency) {
		this.initialLatency = initialLatency;
	}

	public Duration getFailurePenalty() {
		return this.failurePenalty;
	}

	public void setFailurePenalty(Duration failurePenalty) {
		this.failurePenalty = failurePenalty;
	}

	public Ejection getEjection() {
		return this.ejection;
	}

	public SlowStartOptions getSlowStart() {
		return this.slowStart;
	}

	public Hedging getHedging() {
		return this.hedging;
	}

	public Retry getRetry() {
		return this.retry;
	}

	public Map<String, ServiceOptions> getServices() {
		return this.services;
	}

	public void setServices(Map<String, ServiceOptions> services) {
		this.services = services;
	}

	/**
	 * Passive outlier ejection (Envoy's consecutive-failure detector).
	 */
	public static class Ejection {

		/**
		 * Failures in a row that eject an instance.
		 */
		private int consecutiveFailures = 5;

		/**
		 * First ejection's length; the n-th lasts n times as long.
		 */
		private Duration baseTime = Duration.ofSeconds(30);

		/**
		 * Longest ejection.
		 */
		private Duration maxTime = Duration.ofSeconds(300);

		/**
		 * Most instances of a service ejected at once, in percent.
		 */
		private double maxPercent = 50;

		public int getConsecutiveFailures() {
			return this.consecutiveFailures;
		}

		public void setConsecutiveFailures(int consecutiveFailures) {
			this.consecutiveFailures = consecutiveFailures;
		}

		public Duration getBaseTime() {
			return this.baseTime;
		}

		public void setBaseTime(Duration baseTime) {
			this.baseTime = baseTime;
		}

		public Duration getMaxTime() {
			return this.maxTime;
		}

		public void setMaxTime(Duration maxTime) {
			this.maxTime = maxTime;
		}

		public double getMaxPercent() {
			return this.maxPercent;
		}

		public void setMaxPercent(double maxPercent) {
			this.maxPercent = maxPercent;
		}

	}

	/**
	 * Slow start of new and returning instances (Envoy's formula).
	 */
	public static class SlowStartOptions {

		/**
		 * How long a new or returning instance ramps up its share; 0s turns slow start off.
		 */
		private Duration window = Duration.ofSeconds(30);

		/**
		 * How fast the share rises: 1 is linear, larger rises sooner.
		 */
		private double aggression = 1.0;

		/**
		 * Share of its weight an instance gets at the start, in percent.
		 */
		private double minWeightPercent = 10;

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

		public double getAggression() {
			return this.aggression;
		}

		public void setAggression(double aggression) {
			this.aggression = aggression;
		}

		public double getMinWeightPercent() {
			return this.minWeightPercent;
		}

		public void setMinWeightPercent(double minWeightPercent) {
			this.minWeightPercent = minWeightPercent;
		}

	}

	/**
	 * Options of one service.
	 */
	public static class ServiceOptions {

		/**
		 * Strategy of this service; the global strategy when unset.
		 */
		private @Nullable LoadBalancingStrategy strategy;

		private final ServiceHedging hedging = new ServiceHedging();

		public ServiceHedging getHedging() {
			return this.hedging;
		}

		public @Nullable LoadBalancingStrategy getStrategy() {
			return this.strategy;
		}

		public void setStrategy(@Nullable LoadBalancingStrategy strategy) {
			this.strategy = strategy;
		}

	}

	/**
	 * Retry on another instance for {@code @LoadBalanced WebClient} calls
	 * ({@link HyperlaneLoadBalancerExchangeFilterFunction}), within the service's retry budget. Not used when the
	 * application turns on Spring Cloud's own reactive retry ({@code spring.cloud.loadbalancer.retry.enabled=true}).
	 */
	public static class Retry {

		/**
		 * Whether to retry on another instance: a request that could not connect (nothing was sent), and a
		 * replayable request (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or one with an Idempotency-Key header) whose
		 * connection closed before any response or that was answered with one of the status codes below.
		 */
		private boolean enabled = true;

		/**
		 * Retries on another instance per call.
		 */
		private int maxRetries = 1;

		/**
		 * Status codes after which a replayable request is sent to another instance (Envoy's "5xx" retry
		 * condition less 501).
		 */
		private List<Integer> statusCodes = new ArrayList<>(List.of(500, 502, 503, 504));

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

		public List<Integer> getStatusCodes() {
			return this.statusCodes;
		}

		public void setStatusCodes(List<Integer> statusCodes) {
			this.statusCodes = statusCodes;
		}

	}

	/**
	 * Hedged requests for {@code @LoadBalanced WebClient} calls ({@link HedgingLoadBalancerExchangeFilterFunction}):
	 * a replayable call that has not answered after a delay is also sent to another instance, and the first answer
	 * wins.
	 */
	public static class Hedging {

		/**
		 * Whether replayable calls (GET, HEAD, OPTIONS, PUT, DELETE, TRACE, or an Idempotency-Key header) are hedged.
		 */
		private boolean enabled;

		/**
		 * Delay before the hedge is sent. Unset: the service's 95th percentile latency over its recent calls.
		 */
		private @Nullable Duration delay;

		/**
		 * Hedges allowed, as a percentage of the service's calls over the retry budget's window.
		 */
		private double budgetPercent = 5;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getDelay() {
			return this.delay;
		}

		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

		public double getBudgetPercent() {
			return this.budgetPercent;
		}

		public void setBudgetPercent(double budgetPercent) {
			this.budgetPercent = budgetPercent;
		}

	}

	/**
	 * Hedging of one service; unset values are the global ones.
	 */
	public static class ServiceHedging {

		/**
		 * Whether this service's replayable calls are hedged.
		 */
		private @Nullable Boolean enabled;

		/**
		 * Delay before this service's hedge is sent.
		 */
		private @Nullable Duration delay;

		public @Nullable Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(@Nullable Boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable Duration getDelay() {
			return this.delay;
		}

		public void setDelay(@Nullable Duration delay) {
			this.delay = delay;
		}

	}

}
