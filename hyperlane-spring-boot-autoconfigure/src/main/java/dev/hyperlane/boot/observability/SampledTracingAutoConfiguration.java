package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.context.propagation.TextMapPropagator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * The per-request cost of tracing for requests that carry no trace and are not sampled, taken out where Micrometer
 * Tracing and OpenTelemetry spend it, with what tracing gives unchanged (spans, trace ids in log lines for every
 * request, W3C and B3 callers continued, configured baggage fields propagated):
 * <ul>
 * <li>Spring Boot's propagator extracts only when a propagation header is there ({@link HeaderGatedPropagator});</li>
 * <li>server and client spans get the observation's key values as tags only when sampled ({@link SampledSpanTags}),
 * in place of Spring Boot's {@code PropagatingReceiverTracingObservationHandler} and
 * {@code PropagatingSenderTracingObservationHandler} (same order, 1000 and 2000), each backing off when the
 * application declares its own.</li>
 * </ul>
 * Runs before Spring Boot's Micrometer Tracing auto-configuration, after its OpenTelemetry one (which declares the
 * {@link Tracer} and {@link Propagator}); backs off with {@code hyperlane.observability.enabled=false}.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
		beforeName = "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration")
@ConditionalOnClass({ Tracer.class, PropagatingReceiverTracingObservationHandler.class })
@ConditionalOnHyperlane("observability")
public final class SampledTracingAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ Tracer.class, Propagator.class })
	@Order(1000)
	PropagatingReceiverTracingObservationHandler<?> hyperlaneReceiverTracingObservationHandler(Tracer tracer,
			Propagator propagator) {
		return new SampledSpanTags.Receiver<>(tracer, propagator);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean({ Tracer.class, Propagator.class })
	@Order(2000)
	PropagatingSenderTracingObservationHandler<?> hyperlaneSenderTracingObservationHandler(Tracer tracer,
			Propagator propagator) {
		return new SampledSpanTags.Sender<>(tracer, propagator);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(TextMapPropagator.class)
	static class HeaderGatedPropagationConfiguration {

		@Bean
		static HeaderGatedPropagation hyperlaneHeaderGatedPropagation() {
			return new HeaderGatedPropagation();
		}

	}

}
