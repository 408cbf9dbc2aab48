package dev.hyperlane.samples.payments;

import tools.jackson.core.StreamReadFeature;

import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Strict JSON for every request body: a member named twice in one object ({@code {"amount":"1.00","amount":"9999.00"}})
 * is refused with {@code 400 Bad Request} (a problem detail) instead of Jackson's default, which keeps the last value,
 * so that what the caller checked and what payments charges can never differ. Jackson's
 * {@code StreamReadFeature.STRICT_DUPLICATE_DETECTION}, which Spring Boot's {@code spring.jackson.*} properties do not
 * reach, applied to Boot's {@code JsonMapper} and so to WebFlux's JSON decoder.
 */
@Configuration(proxyBeanMethods = false)
class StrictJsonConfiguration {

	@Bean
	JsonMapperBuilderCustomizer strictDuplicateDetection() {
		return (builder) -> builder.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
	}

}
