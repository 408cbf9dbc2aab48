package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import io.prometheus.metrics.tracer.common.SpanContext;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Turns Prometheus exemplars off with {@code hyperlane.observability.metrics.exemplars=false}, for Prometheus
 * servers older than 2.43 (see {@link NoExemplars}): Spring Boot's own {@code SpanContext} (which reports the
 * current span) backs off for this one. Runs before Spring Boot's exemplar and Prometheus auto-configurations.
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
		"org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration" })
@ConditionalOnClass(SpanContext.class)
@ConditionalOnHyperlane("observability")
@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.exemplars", havingValue = false)
public final class ExemplarsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(SpanContext.class)
	NoExemplars hyperlaneNoExemplars() {
		return new NoExemplars();
	}

}
