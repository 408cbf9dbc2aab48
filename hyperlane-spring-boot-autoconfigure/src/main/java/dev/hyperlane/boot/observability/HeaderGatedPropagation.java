package dev.hyperlane.boot.observability;

import io.opentelemetry.context.propagation.TextMapPropagator;

import org.springframework.beans.factory.config.BeanPostProcessor;

/**
 * Puts a {@link HeaderGatedPropagator} around Spring Boot's own OpenTelemetry propagator, the one it builds from
 * {@code management.tracing.propagation.*} and {@code management.tracing.baggage.*}. Spring Boot declares that bean
 * unconditionally (no {@code @ConditionalOnMissingBean}), so it is wrapped rather than replaced; propagators the
 * application declares itself are another class and are left as they are.
 */
final class HeaderGatedPropagation implements BeanPostProcessor {

	/** Spring Boot's composite propagator, package-private in Spring Boot 4.0 and 4.1. */
	static final String BOOT_PROPAGATOR =
			"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.CompositeTextMapPropagator";

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof TextMapPropagator propagator && bean.getClass().getName().equals(BOOT_PROPAGATOR)) {
			return new HeaderGatedPropagator(propagator);
		}
		return bean;
	}

}
