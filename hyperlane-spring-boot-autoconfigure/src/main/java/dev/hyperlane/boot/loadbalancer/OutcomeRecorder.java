package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;

import dev.hyperlane.boot.Counts;

import org.springframework.cloud.client.ServiceInstance;

/**
 * What happened to the requests one service's balancer routed: requests in flight, durations, failures (which feed
 * the peak-EWMA latency and outlier ejection), a {@code Retry-After} back-off, cancelled calls, and the retries on
 * another instance. A request that finishes on an instance that has left the discovery client's list is dropped.
 * Thread-safe.
 */
final class OutcomeRecorder {

	private final ServiceInstances instances;

	private final Counts<ServiceBalancer.Count> counts;

	OutcomeRecorder(ServiceInstances instances, Counts<ServiceBalancer.Count> counts) {
		this.instances = instances;
		this.counts = counts;
	}

	void started(ServiceInstance instance, long nowNanos) {
		this.instances.state(instance, nowNanos).start();
	}

	void finished(ServiceInstance instance, long elapsedNanos, boolean failed, Duration penalty, Duration retryAfter,
			long nowNanos) {
		InstanceState state = this.instances.find(instance);
		if (state == null) {
			return;
		}
		this.instances.finish(state, elapsedNanos, failed, penalty, nowNanos);
		if (!retryAfter.isZero() && !retryAfter.isNegative()) {
			// capped like an ejection, so a wrong Retry-After cannot keep an instance out for hours
			Duration max = this.instances.maxEjectionTime();
			state.backOff(nowNanos + ((retryAfter.compareTo(max) > 0) ? max : retryAfter).toNanos());
		}
	}

	void cancelled(ServiceInstance instance) {
		InstanceState state = this.instances.find(instance);
		if (state != null) {
			state.cancel();
		}
	}

	void retried(boolean allowed) {
		this.counts.increment(allowed ? ServiceBalancer.Count.RETRIES_ON_ANOTHER_INSTANCE
				: ServiceBalancer.Count.RETRIES_DENIED_BY_BUDGET);
	}

}
