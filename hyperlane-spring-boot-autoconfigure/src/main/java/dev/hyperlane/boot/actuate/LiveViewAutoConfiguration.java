package dev.hyperlane.boot.actuate;

import dev.hyperlane.boot.ConditionalOnHyperlane;

import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * Prepares the live view page ({@link LiveViewPage}) in a reactive web application with Spring Boot's actuator,
 * when {@code hyperlane.live-view.enabled=true} (off by default). The page itself is routed by
 * {@link LiveViewManagementContextConfiguration} in whichever context serves the actuator endpoints: the
 * application's own, or the separate one Boot starts for {@code management.server.port}. A {@link LiveViewPage}
 * bean of your own replaces Hyperlane's.
 *
 * @see LiveViewProperties
 */
@AutoConfiguration(after = HyperlaneEndpointAutoConfiguration.class)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ RouterFunction.class, ManagementContextConfiguration.class })
@ConditionalOnHyperlane
@ConditionalOnBooleanProperty(name = "hyperlane.live-view.enabled")
@EnableConfigurationProperties(LiveViewProperties.class)
public final class LiveViewAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	LiveViewPage hyperlaneLiveViewPage(LiveViewProperties properties) {
		return new LiveViewPage(properties);
	}

}
