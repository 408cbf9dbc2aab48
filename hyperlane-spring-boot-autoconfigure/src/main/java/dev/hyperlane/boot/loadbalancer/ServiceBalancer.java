package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.InstanceMembership;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * The balancer of one service, made of small parts: its {@link ServiceInstances} (per-instance state, following the
 * discovery client's list, with the service's ejection and slow-start rules), the {@link InstanceChoice} with the
 * selector of its {@link LoadBalancingStrategy}, the {@link OutcomeRecorder} that learns from every request, and
 * the {@link InstanceDrain} of the endpoint's live operations. For a hedged service it also keeps the
 * {@link LatencyWindow} of its recent attempts, fed by the same measurement as the instances' peak-EWMA latency.
 * Thread-safe.
 */
public final class ServiceBalancer {

	/**
	 * How often the instance list is compared with the states kept, at most: an instance that left is released
	 * within this time of the first choice after it left.
	 */
	static final Duration MEMBERSHIP_INTERVAL = Duration.ofSeconds(1);

	private final PowerOfTwoChoices chooser;

	private final LongSupplier clock;

	private final ServiceInstances instances;

	private final InstanceChoice choice;

	private final OutcomeRecorder outcomes;

	private final InstanceDrain drain;

	private final Counts<Count> counts = new Counts<>(Count.class);

	private final AtomicLong lastMembershipNanos = new AtomicLong(Long.MIN_VALUE);

	private volatile LoadBalancingStrategy strategy;

	private volatile @Nullable LatencyWindow recentLatencies;

	ServiceBalancer(String serviceId, LoadBalancerSettings settings, PowerOfTwoChoices chooser,
			LongSupplier clock) {
		this(serviceId, settings, chooser, clock, (service, host, port) -> {
		});
	}

	ServiceBalancer(String serviceId, LoadBalancerSettings settings, PowerOfTwoChoices chooser,
			LongSupplier clock, InstanceMembership membership) {
		this.chooser = chooser;
		this.clock = clock;
		this.strategy = settings.service(serviceId).strategy();
		this.instances = new ServiceInstances(serviceId, settings, membership);
		this.choice = new InstanceChoice(this.instances, this.strategy.newSelector(chooser), this.counts);
		this.outcomes = new OutcomeRecorder(this.instances, this.counts);
		this.drain = new InstanceDrain(this.instances, clock);
	}

	/**
	 * Choose an instance among those the discovery client lists now (see {@link InstanceChoice}).
	 * @param candidates the instances
	 * @return the chosen one, or {@code null} when there is none
	 */
	public @Nullable ServiceInstance choose(List<ServiceInstance> candidates) {
		return choose(candidates, Set.of());
	}

	/**
	 * Choose an instance, leaving out instances already tried by this call unless no other is listed.
	 * @param candidates the instances
	 * @param excluded the {@code host:port} of instances to leave out
	 * @return the chosen one, or {@code null} when there is none
	 */
	public @Nullable ServiceInstance choose(List<ServiceInstance> candidates, Set<String> excluded) {
		InstanceState chosen = chooseState(candidates, excluded);
		return (chosen != null) ? chosen.discovered() : null;
	}

	/**
	 * Choose an instance as {@link #choose(List, Set)} does, returning its state, which holds the instance as
	 * listed and as named by this service's id.
	 * @param candidates the instances
	 * @param excluded the {@code host:port} of instances to leave out
	 * @return the chosen instance's state, or {@code null} when there is none
	 */
	@Nullable InstanceState chooseState(List<ServiceInstance> candidates, Set<String> excluded) {
		return this.choice.choose(candidates, excluded, this.clock.getAsLong());
	}

	/**
	 * Return whether the instance list is due to be compared with the states kept, and if so take the turn; at
	 * most once per {@link #MEMBERSHIP_INTERVAL}.
	 * @return {@code true} for the caller that should call {@link #retainListed(Collection)}
	 */
	boolean membershipDue() {
		long now = this.clock.getAsLong();
		long last = this.lastMembershipNanos.get();
		return (last == Long.MIN_VALUE || now - last >= MEMBERSHIP_INTERVAL.toNanos())
				&& this.lastMembershipNanos.compareAndSet(last, now);
	}

	/**
	 * Follow the discovery client's list: new instances get their state (and their slow start begins), instances
	 * that left lose theirs, with their pools and meters.
	 * @param listed every instance listed now
	 */
	public void retainListed(Collection<ServiceInstance> listed) {
		this.instances.retainListed(listed, this.clock.getAsLong());
	}

	/**
	 * Count a request that starts on an instance.
	 * @param instance the instance
	 */
	public void started(ServiceInstance instance) {
		this.outcomes.started(instance, this.clock.getAsLong());
	}

	/**
	 * Record a finished request, whose answer may have asked the caller to back off.
	 * @param instance the instance it ran on
	 * @param elapsedNanos its duration
	 * @param failed whether it failed
	 * @param penalty the latency the failure counts as
	 * @param retryAfter the {@code Retry-After} of a 503 or 429, during which the instance is not chosen (outside
	 * panic mode); zero for none
	 */
	public void finished(ServiceInstance instance, long elapsedNanos, boolean failed, Duration penalty,
			Duration retryAfter) {
		finished(instance, elapsedNanos, elapsedNanos, failed, penalty, retryAfter);
	}

	/**
	 * Record a finished request whose instance latency was measured apart from its duration.
	 * @param instance the instance it ran on
	 * @param elapsedNanos its duration, from the choice to the response headers (the hedging window's sample)
	 * @param latencyNanos the instance's latency (its round trip from its connection pool; the peak-EWMA sample)
	 * @param failed whether it failed
	 * @param penalty the latency the failure counts as
	 * @param retryAfter the {@code Retry-After} of a 503 or 429, during which the instance is not chosen (outside
	 * panic mode); zero for none
	 */
	public void finished(ServiceInstance instance, long elapsedNanos, long latencyNanos, boolean failed,
			Duration penalty, Duration retryAfter) {
		this.outcomes.finished(instance, latencyNanos, failed, penalty, retryAfter, this.clock.getAsLong());
		LatencyWindow recent = this.recentLatencies;
		if (recent != null && !failed) {
			recent.record(elapsedNanos);
		}
	}

	/**
	 * Return the latencies of the service's recent successful attempts (every instance), kept from the first call
	 * of this method on: only a service that asks for them (a hedged one) pays for them.
	 * @return the window
	 */
	LatencyWindow recentLatencies() {
		LatencyWindow recent = this.recentLatencies;
		if (recent == null) {
			synchronized (this) {
				recent = this.recentLatencies;
				if (recent == null) {
					recent = new LatencyWindow();
					this.recentLatencies = recent;
				}
			}
		}
		return recent;
	}

	/**
	 * Count down a request its caller cancelled: it is no longer in flight, and says nothing of the instance.
	 * @param instance the instance it ran on
	 */
	public void cancelled(ServiceInstance instance) {
		this.outcomes.cancelled(instance);
	}

	/**
	 * Count a retry on another instance, allowed or refused by the retry budget.
	 * @param allowed whether the budget allowed it
	 */
	void retried(boolean allowed) {
		this.outcomes.retried(allowed);
	}

	/**
	 * Switch the service's strategy, live.
	 * @param strategy the new strategy
	 */
	public void strategy(LoadBalancingStrategy strategy) {
		this.choice.selector(strategy.newSelector(this.chooser));
		this.strategy = strategy;
	}

	/**
	 * Return the strategy in use.
	 * @return the strategy
	 */
	public LoadBalancingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * Drain an instance by hand: it gets no new requests (outside panic mode) until restored.
	 * @param instance the instance's host:port
	 * @return {@code false} when the service has no such instance
	 */
	public boolean drain(String instance) {
		return this.drain.drain(instance);
	}

	/**
	 * Restore a drained or ejected instance: it takes requests again, ramping up through slow start.
	 * @param instance the instance's host:port
	 * @return {@code false} when the service has no such instance
	 */
	public boolean restore(String instance) {
		return this.drain.restore(instance);
	}

	/**
	 * Return whether the service chose in panic mode within a recent period.
	 * @param within the period
	 * @return {@code true} when the last panic choice is more recent
	 */
	public boolean panickedWithin(Duration within) {
		long last = this.choice.lastPanicNanos();
		return last != Long.MIN_VALUE && this.clock.getAsLong() - last <= within.toNanos();
	}

	/**
	 * Return the counts, shown by the endpoint under the names of {@link Count} in lower camel case.
	 * @return the counts since start
	 */
	public Counts<Count> counts() {
		return this.counts;
	}

	/**
	 * Return the service id.
	 * @return the id
	 */
	public String serviceId() {
		return this.instances.serviceId();
	}

	/**
	 * Return the per-instance state and the rules over it.
	 * @return the service's instances
	 */
	public ServiceInstances serviceInstances() {
		return this.instances;
	}

	/**
	 * Return the balancer's clock, in nanoseconds.
	 * @return the current time
	 */
	public long nowNanos() {
		return this.clock.getAsLong();
	}

	/**
	 * What a service's balancer counts, in the order the endpoint's {@code loadbalancers} section shows it.
	 */
	public enum Count {

		/** Retries on another instance. */
		RETRIES_ON_ANOTHER_INSTANCE,

		/** Retries on another instance the retry budget refused. */
		RETRIES_DENIED_BY_BUDGET,

		/** Choices made in panic mode (no instance available, so all were candidates). */
		PANIC_CHOICES

	}

}
