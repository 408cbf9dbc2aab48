package dev.hyperlane.boot.observability;

import java.util.List;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ObservationMeters} records what Micrometer's {@link DefaultMeterObservationHandler} records, with the
 * long task timer only when asked for, and keeps recording into the registry's meters when one is removed.
 */
class ObservationMetersTests {

	@Test
	void recordsTheSameMetersAsMicrometersHandler() {
		SimpleMeterRegistry ours = new SimpleMeterRegistry();
		SimpleMeterRegistry micrometers = new SimpleMeterRegistry();
		Consumer<ObservationRegistry> requests = (registry) -> {
			observe(registry, "GET", "/items/{id}", null);
			observe(registry, "GET", "/items/{id}", null);
			observe(registry, "POST", "/items", new IllegalStateException("boom"));
			Observation.createNotStarted("work", registry).start().event(Observation.Event.of("retry")).stop();
		};
		requests.accept(registry(new ObservationMeters(ours, true)));
		requests.accept(registry(new DefaultMeterObservationHandler(micrometers)));
		assertThat(ids(ours)).containsExactlyInAnyOrderElementsOf(ids(micrometers));
		assertThat(ours.get("http.server.requests").tag("method", "GET").timer().count()).isEqualTo(2);
		assertThat(ours.get("http.server.requests").tag("error", "IllegalStateException").timer().count())
			.isEqualTo(1);
		assertThat(ours.get("work.retry").counter().count()).isEqualTo(1);
	}

	@Test
	void longTaskTimerOnlyWhenAskedFor() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = registry(new ObservationMeters(meters, false));
		Observation running = Observation.createNotStarted("http.server.requests", registry)
			.lowCardinalityKeyValue("uri", "UNKNOWN")
			.start();
		assertThat(meters.find("http.server.requests.active").meter()).isNull();
		running.stop();
		assertThat(meters.get("http.server.requests").timer().count()).isEqualTo(1);
		SimpleMeterRegistry withActive = new SimpleMeterRegistry();
		running = Observation.createNotStarted("http.server.requests", registry(new ObservationMeters(withActive, true)))
			.start();
		assertThat(withActive.get("http.server.requests.active").longTaskTimer().activeTasks()).isEqualTo(1);
		running.stop();
		assertThat(withActive.get("http.server.requests.active").longTaskTimer().activeTasks()).isZero();
	}

	@Test
	void aRemovedMeterIsRegisteredAgain() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		ObservationRegistry registry = registry(new ObservationMeters(meters, false));
		observe(registry, "GET", "/items", null);
		Timer first = meters.get("http.server.requests").timer();
		meters.remove(first);
		observe(registry, "GET", "/items", null);
		Timer second = meters.get("http.server.requests").timer();
		assertThat(second).isNotSameAs(first);
		assertThat(second.count()).isEqualTo(1);
		observe(registry, "GET", "/items", null);
		assertThat(meters.get("http.server.requests").timer().count()).isEqualTo(2);
	}

	@Test
	void longTaskTimersFollowSpringBootsIgnoredMeters() {
		MockEnvironment environment = new MockEnvironment();
		assertThat(ObservationMeters.longTaskTimersIgnoredByBoot(environment)).isFalse();
		environment.setProperty("management.metrics.observations.ignored-meters", "long-task-timer");
		assertThat(ObservationMeters.longTaskTimersIgnoredByBoot(environment)).isTrue();
	}

	private static void observe(ObservationRegistry registry, String method, String uri, @Nullable Throwable error) {
		Observation observation = Observation.createNotStarted("http.server.requests", registry)
			.lowCardinalityKeyValue("method", method)
			.start();
		observation.lowCardinalityKeyValue("uri", uri).lowCardinalityKeyValue("status", "200");
		if (error != null) {
			observation.error(error);
		}
		observation.stop();
	}

	private static ObservationRegistry registry(ObservationHandler<Observation.Context> handler) {
		ObservationRegistry registry = ObservationRegistry.create();
		registry.observationConfig().observationHandler(handler);
		return registry;
	}

	private static List<Meter.Id> ids(MeterRegistry registry) {
		return registry.getMeters().stream().map(Meter::getId).toList();
	}

}
