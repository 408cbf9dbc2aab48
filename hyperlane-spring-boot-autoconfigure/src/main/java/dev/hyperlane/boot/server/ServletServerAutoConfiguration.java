package dev.hyperlane.boot.server;

import dev.hyperlane.boot.ConditionalOnHyperlane;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * In a servlet application (Spring MVC), says that Hyperlane leaves the web server untuned: an
 * {@link UntunedServerSection} in the endpoint and one INFO line at start-up. Backs off with
 * {@code hyperlane.enabled=false} or {@code hyperlane.server.enabled=false}.
 */
@AutoConfiguration
@ConditionalOnClass(WebServerApplicationContext.class)
@ConditionalOnWebApplication(type = Type.SERVLET)
@ConditionalOnHyperlane("server")
public final class ServletServerAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	UntunedServerSection hyperlaneUntunedServerSection(ApplicationContext context) {
		return new UntunedServerSection(context);
	}

}
