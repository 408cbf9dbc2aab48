package dev.hyperlane.boot.runtime;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import io.netty.util.internal.PlatformDependent;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Contributes the {@code runtime} section of the {@code hyperlane} endpoint.
 */
@AutoConfiguration
@ConditionalOnClass(PlatformDependent.class)
@ConditionalOnHyperlane
public final class RuntimeAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RuntimeSection hyperlaneRuntimeSection(ObjectProvider<JsonBuffers> jsonBuffers) {
		return new RuntimeSection(jsonBuffers.getIfAvailable() != null);
	}

}
