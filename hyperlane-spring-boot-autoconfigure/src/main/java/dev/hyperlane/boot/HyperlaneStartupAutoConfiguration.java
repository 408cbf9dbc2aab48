package dev.hyperlane.boot;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Registers the {@link HyperlaneStartupReport}, the start-up line that lists the Spring Boot defaults Hyperlane
 * changed. Backs off with {@code hyperlane.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnHyperlane
public final class HyperlaneStartupAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HyperlaneStartupReport hyperlaneStartupReport(ObjectProvider<HyperlaneSection> sections,
			Environment environment) {
		return new HyperlaneStartupReport(sections, environment);
	}

}
