package dev.hyperlane.boot.loadbalancer;

import java.util.function.LongSupplier;

/**
 * Drain and restore by hand (the endpoint's live operations): a drained instance gets no new requests (outside
 * panic mode) until restored; a restored instance, drained or ejected, takes requests again and ramps up through
 * slow start.
 */
final class InstanceDrain {

	private final ServiceInstances instances;

	private final LongSupplier clock;

	InstanceDrain(ServiceInstances instances, LongSupplier clock) {
		this.instances = instances;
		this.clock = clock;
	}

	boolean drain(String instance) {
		InstanceState state = this.instances.find(instance);
		if (state == null) {
			return false;
		}
		state.drain();
		return true;
	}

	boolean restore(String instance) {
		InstanceState state = this.instances.find(instance);
		if (state == null) {
			return false;
		}
		state.restore(this.clock.getAsLong());
		return true;
	}

}
