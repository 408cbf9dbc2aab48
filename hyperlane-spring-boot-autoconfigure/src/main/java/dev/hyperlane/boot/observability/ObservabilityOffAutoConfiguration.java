package dev.hyperlane.boot.observability;

import java.util.LinkedHashSet;
import java.util.Set;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import io.micrometer.observation.ObservationPredicate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * With {@code hyperlane.observability.enabled=false} (and the starter on), turns off Spring's HTTP request
 * observations ({@link RequestObservationsOff}), so that a service with the starter and its observability off costs
 * per request what plain WebFlux costs. The names are Spring Boot's
 * ({@code management.observations.http.server|client.requests.name}); a name the application switched on or off
 * itself with {@code management.observations.enable.<name>} is left to Spring Boot.
 */
@AutoConfiguration
@ConditionalOnClass(ObservationPredicate.class)
@ConditionalOnHyperlane
@ConditionalOnBooleanProperty(name = "hyperlane.observability.enabled", havingValue = false)
public final class ObservabilityOffAutoConfiguration {

	static final String SERVER_NAME = "management.observations.http.server.requests.name";

	static final String CLIENT_NAME = "management.observations.http.client.requests.name";

	static final String ENABLE_PREFIX = "management.observations.enable.";

	@Bean
	@ConditionalOnMissingBean
	RequestObservationsOff hyperlaneRequestObservationsOff(Environment environment) {
		Set<String> declined = new LinkedHashSet<>();
		for (String name : Set.of(environment.getProperty(SERVER_NAME, "http.server.requests"),
				environment.getProperty(CLIENT_NAME, "http.client.requests"))) {
			if (!environment.containsProperty(ENABLE_PREFIX + name)) {
				declined.add(name);
			}
		}
		return new RequestObservationsOff(declined);
	}

}
