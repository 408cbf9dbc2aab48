package dev.hyperlane.boot.observability;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Sets Hyperlane's tracing defaults as a property source of the lowest precedence, so any value the application
 * sets (in {@code application.yml}, the command line, the environment) wins: {@code spring.reactor.context-propagation=auto}
 * (Spring Boot's default is {@code limited}), which makes Reactor restore the current observation, and so the trace
 * and span ids in the logging MDC, on every thread a reactive chain hops to; without it log lines written inside
 * WebFlux handlers and {@code WebClient} callbacks carry no trace id. Nothing is set with
 * {@code hyperlane.enabled=false} or {@code hyperlane.observability.enabled=false}.
 */
public final class ObservabilityEnvironmentPostProcessor implements EnvironmentPostProcessor {

	/** The name of the property source holding the defaults. */
	public static final String PROPERTY_SOURCE_NAME = "hyperlaneObservabilityDefaults";

	private static final String PROPERTY = "spring.reactor.context-propagation";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		// Spring Boot moves its "defaultProperties" (SpringApplication.setDefaultProperties) behind every source
		// added here, so a value set anywhere, those included, is left alone rather than outranked
		if (!environment.getProperty("hyperlane.enabled", Boolean.class, true)
				|| !environment.getProperty("hyperlane.observability.enabled", Boolean.class, true)
				|| environment.containsProperty(PROPERTY)
				|| environment.getPropertySources().contains(PROPERTY_SOURCE_NAME)) {
			return;
		}
		environment.getPropertySources()
			.addLast(new MapPropertySource(PROPERTY_SOURCE_NAME, Map.of(PROPERTY, "auto")));
	}

}
