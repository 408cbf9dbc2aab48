package dev.hyperlane.boot.actuate;

import java.nio.charset.StandardCharsets;

import dev.hyperlane.boot.ConditionalOnHyperlane;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.context.annotation.Bean;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Routes {@code GET <management.endpoints.web.base-path>/hyperlane-view} (by default
 * {@code /actuator/hyperlane-view}) to the {@link LiveViewPage}, in the context that serves the actuator endpoints:
 * on the application's port, or on {@code management.server.port} (below {@code management.server.base-path})
 * when that is set. The page holds no data: what it shows it reads from the {@code hyperlane} endpoint, so the
 * endpoint's exposure ({@code management.endpoints.web.exposure.include}), access and security rules decide what a
 * visitor sees; without them the page says the endpoint is not exposed or not readable.
 */
@ManagementContextConfiguration(value = ManagementContextType.ANY, proxyBeanMethods = false)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass(RouterFunction.class)
@ConditionalOnHyperlane
@ConditionalOnBooleanProperty(name = "hyperlane.live-view.enabled")
class LiveViewManagementContextConfiguration {

	@Bean
	RouterFunction<ServerResponse> hyperlaneLiveViewRoute(LiveViewPage page, WebEndpointProperties endpoints) {
		String endpointPath = endpoints.getPathMapping().getOrDefault("hyperlane", "hyperlane");
		String html = page.html(endpointPath);
		String policy = page.contentSecurityPolicy();
		return RouterFunctions.route()
			.GET(endpoints.getBasePath() + LiveViewPage.PATH,
					(request) -> ServerResponse.ok()
						.contentType(new MediaType(MediaType.TEXT_HTML, StandardCharsets.UTF_8))
						.cacheControl(CacheControl.noCache())
						.header("Content-Security-Policy", policy)
						.header("X-Content-Type-Options", "nosniff")
						.header("Referrer-Policy", "no-referrer")
						.bodyValue(html))
			.build();
	}

}
