package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.hyperlane.boot.InstanceMembership;
import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

/**
 * The instances of one service the balancer keeps state for, and the service's rules over that state: outlier
 * ejection (at most a share of the instances ejected at once) and slow start (the effective weight of an instance
 * that is new or back). An instance's {@link InstanceState} is created when the discovery client first lists it
 * (so its slow start begins when it becomes visible) and removed, with everything kept for it elsewhere (the
 * {@link InstanceMembership}: connection pools, meters), as soon as the list no longer has it. Each state keeps its
 * instance as last listed and, once per listing (when the discovery client lists a new object for it), the same
 * instance named by the requested service id ({@code payments} in {@code http://payments/...}): Eureka names
 * every instance by its application name in upper case ({@code PAYMENTS}), so balancer state, meters and the
 * per-service HTTP pool would otherwise be kept under a second name that the choice and
 * {@code hyperlane.client.services.<id>} never read. Thread-safe.
 */
public final class ServiceInstances {

	private final String serviceId;

	private final OutlierEjection ejection;

	private final SlowStart slowStart;

	private final Duration initialLatency;

	private final Duration decay;

	private final InstanceMembership membership;

	private final Map<String, Member> members = new ConcurrentHashMap<>();

	ServiceInstances(String serviceId, LoadBalancerSettings settings, InstanceMembership membership) {
		this.serviceId = serviceId;
		this.ejection = new OutlierEjection(settings.require(LoadBalancerSettings.EJECTION_CONSECUTIVE_FAILURES),
				settings.require(LoadBalancerSettings.EJECTION_BASE_TIME),
				settings.require(LoadBalancerSettings.EJECTION_MAX_TIME),
				settings.require(LoadBalancerSettings.EJECTION_MAX_PERCENT));
		this.slowStart = new SlowStart(settings.require(LoadBalancerSettings.SLOW_START_WINDOW),
				settings.require(LoadBalancerSettings.SLOW_START_AGGRESSION),
				settings.require(LoadBalancerSettings.SLOW_START_MIN_WEIGHT_PERCENT) / 100.0);
		this.initialLatency = settings.require(LoadBalancerSettings.INITIAL_LATENCY);
		this.decay = settings.require(LoadBalancerSettings.DECAY);
		this.membership = membership;
	}

	/**
	 * Return the state of a listed instance, created when it is new.
	 * @param instance the instance
	 * @param nowNanos the current time
	 * @return its state
	 */
	InstanceState state(ServiceInstance instance, long nowNanos) {
		String key = key(instance);
		Member member = this.members.get(key);
		InstanceState state = (member != null) ? member.state() : add(key, instance, nowNanos);
		if (state.discovered() != instance) {
			state.listed(instance, requested(instance));
		}
		return state;
	}

	private InstanceState add(String key, ServiceInstance instance, long nowNanos) {
		Member added = new Member(instance.getHost(), instance.getPort(),
				new InstanceState(key, weight(instance), this.initialLatency, this.decay, nowNanos));
		Member member = this.members.putIfAbsent(key, added);
		if (member != null) {
			return member.state();
		}
		this.membership.arrived(this.serviceId, added.host(), added.port());
		return added.state();
	}

	private ServiceInstance requested(ServiceInstance discovered) {
		return this.serviceId.equals(discovered.getServiceId()) ? discovered
				: new DefaultServiceInstance(discovered.getInstanceId(), this.serviceId, discovered.getHost(),
						discovered.getPort(), discovered.isSecure(), discovered.getMetadata());
	}

	/**
	 * Return the state of an instance if it is still listed; an instance that left is not brought back by a
	 * request that was still in flight.
	 * @param instance the instance
	 * @return its state, or {@code null}
	 */
	@Nullable InstanceState find(ServiceInstance instance) {
		return find(key(instance));
	}

	/**
	 * Return the state of an instance by its host:port.
	 * @param key the instance's host:port
	 * @return its state, or {@code null}
	 */
	public @Nullable InstanceState find(String key) {
		Member member = this.members.get(key);
		return (member != null) ? member.state() : null;
	}

	/**
	 * Follow the discovery client's list: create the state of every new instance, and remove the state of every
	 * instance that is no longer listed, telling the membership of both.
	 * @param listed every instance the discovery client lists now
	 * @param nowNanos the current time
	 */
	void retainListed(Collection<ServiceInstance> listed, long nowNanos) {
		Set<String> keys = new HashSet<>();
		for (ServiceInstance instance : listed) {
			keys.add(key(instance));
			state(instance, nowNanos);
		}
		this.members.forEach((key, member) -> {
			if (!keys.contains(key) && this.members.remove(key, member)) {
				this.membership.departed(this.serviceId, member.host(), member.port());
			}
		});
	}

	/**
	 * Record a finished request under the service's ejection rule.
	 * @param state the instance's state
	 * @param elapsedNanos its duration
	 * @param failed whether it failed
	 * @param penalty the latency a failure counts as
	 * @param nowNanos when it finished
	 */
	void finish(InstanceState state, long elapsedNanos, boolean failed, Duration penalty, long nowNanos) {
		// counting the ejected instances reads every state: only a failure may eject, so only a failure counts
		boolean mayEject = failed && this.ejection.mayEject(ejected(nowNanos), this.members.size());
		state.finish(elapsedNanos, failed, penalty.toNanos(), this.ejection, mayEject, nowNanos);
	}

	private int ejected(long nowNanos) {
		int ejected = 0;
		for (Member member : this.members.values()) {
			if (member.state().isEjected(nowNanos)) {
				ejected++;
			}
		}
		return ejected;
	}

	/**
	 * Return the longest time an instance is kept out, by ejection or by a {@code Retry-After} it asked for.
	 * @return the maximum ejection time
	 */
	Duration maxEjectionTime() {
		return this.ejection.maxEjectionTime();
	}

	/**
	 * Return the weight the balancer gives an instance now: its weight scaled by slow start.
	 * @param state the instance's state
	 * @param nowNanos the current time
	 * @return the effective weight
	 */
	public double effectiveWeight(InstanceState state, long nowNanos) {
		return state.effectiveWeight(this.slowStart, nowNanos);
	}

	/**
	 * Return an instance's state for people: {@code drained}, {@code ejected}, {@code backing-off},
	 * {@code ramping} or {@code active}.
	 * @param state the instance's state
	 * @param nowNanos the current time
	 * @return the state's name
	 */
	public String describe(InstanceState state, long nowNanos) {
		return state.describeState(this.slowStart, nowNanos);
	}

	/**
	 * Return the id of the service whose instances these are.
	 * @return the service id
	 */
	String serviceId() {
		return this.serviceId;
	}

	/**
	 * Return the states of the listed instances.
	 * @return the states by host:port
	 */
	public Map<String, InstanceState> states() {
		Map<String, InstanceState> states = new HashMap<>();
		this.members.forEach((key, member) -> states.put(key, member.state()));
		return Map.copyOf(states);
	}

	static String key(ServiceInstance instance) {
		return instance.getHost() + ":" + instance.getPort();
	}

	private static double weight(ServiceInstance instance) {
		String weight = instance.getMetadata().get("weight");
		if (weight == null) {
			return 1.0;
		}
		try {
			return Double.parseDouble(weight);
		}
		catch (NumberFormatException ex) {
			return 1.0;
		}
	}

	private record Member(String host, int port, InstanceState state) {
	}

}
