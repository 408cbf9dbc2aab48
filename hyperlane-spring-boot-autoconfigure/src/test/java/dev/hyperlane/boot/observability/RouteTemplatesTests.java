package dev.hyperlane.boot.observability;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.function.server.support.RouterFunctionMapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.web.reactive.function.server.RequestPredicates.path;

/**
 * Route templates of functional endpoints: nested prefixes are joined, the most specific template wins, and a
 * path no template matches is {@code UNKNOWN}, never the raw path.
 */
class RouteTemplatesTests {

	@Test
	void routerFunctionPathsBecomeTemplates() {
		RouterFunction<ServerResponse> routes = RouterFunctions.route()
			.nest(path("/api"), (builder) -> builder.GET("/orders/{id}", (request) -> ServerResponse.ok().build())
				.GET("/orders/latest", (request) -> ServerResponse.ok().build()))
			.GET("/health/{part}", (request) -> ServerResponse.ok().build())
			.build();
		RouterFunctionMapping mapping = new RouterFunctionMapping(routes);
		StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("routerFunctionMapping", mapping));
		RouteTemplates templates = new RouteTemplates(beans.getBeanProvider(HandlerMapping.class), new UriTagCap(100));
		assertThat(templates.apply("/api/orders/7")).isEqualTo("/api/orders/{id}");
		assertThat(templates.apply("/api/orders/latest")).isEqualTo("/api/orders/latest");
		assertThat(templates.apply("/health/db?verbose=true")).isEqualTo("/health/{part}");
		assertThat(templates.apply("/nothing/here")).isEqualTo(RouteTemplates.UNKNOWN);
	}

}
