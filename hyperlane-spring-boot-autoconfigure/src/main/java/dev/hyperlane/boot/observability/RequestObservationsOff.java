package dev.hyperlane.boot.observability;

import java.util.Set;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;

/**
 * What {@code hyperlane.observability.enabled=false} means for Spring's own instrumentation of requests: the
 * observations named here (by default Spring's {@code http.server.requests} and {@code http.client.requests}) are
 * declined, so Micrometer hands out its no-op observation and records no timer, no span and no trace scope for
 * them; everything else Spring Boot observes, and every actuator endpoint and meter, stays. Spring Boot's own switch
 * for a name, {@code management.observations.enable.<name>}, wins when the application sets it. Without this, the
 * starter's actuator and tracing dependencies kept an instrumentation on every request that plain WebFlux does not
 * pay, 1.6x the heap allocated per request (benchmarks/README.md, S7).
 */
final class RequestObservationsOff implements ObservationPredicate {

	private final Set<String> declined;

	/**
	 * Create the predicate.
	 * @param declined the observation names to decline
	 */
	RequestObservationsOff(Set<String> declined) {
		this.declined = Set.copyOf(declined);
	}

	@Override
	public boolean test(String name, Observation.Context context) {
		return !this.declined.contains(name);
	}

	/**
	 * Return the declined observation names.
	 * @return the names
	 */
	Set<String> declined() {
		return this.declined;
	}

}
