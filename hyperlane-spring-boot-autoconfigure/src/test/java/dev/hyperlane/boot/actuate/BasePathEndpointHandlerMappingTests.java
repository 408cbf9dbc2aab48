package dev.hyperlane.boot.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.webflux.actuate.endpoint.web.AdditionalHealthEndpointPathsWebFluxHandlerMapping;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.server.ServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The actuator's endpoint mapping with the base-path check, in a whole application on a real server: the endpoints,
 * the links and CORS answer under the default and a custom base path, the application's route answers, and a request
 * outside the base path never reaches the endpoint registrations' matching; with the base path {@code /}, with the
 * switch off and on a management port Boot's own mapping is in place. Boot's mapping of the health groups' additional
 * paths is replaced when it has none.
 */
@Timeout(90)
class BasePathEndpointHandlerMappingTests {

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void endpointsLinksAndApplicationRouteAnswerUnderTheDefaultBasePath() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBean(WebFluxEndpointHandlerMapping.class))
				.isInstanceOfSatisfying(BasePathEndpointHandlerMapping.class,
						(mapping) -> assertThat(mapping.isBasePathChecked()).isTrue());
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
			assertThat(get(context, "/actuator/health").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/actuator/info").statusCode()).isEqualTo(200);
			assertThat(get(context, "/actuator/hyperlane/server").statusCode()).isEqualTo(200);
			assertThat(get(context, "/actuator;x=1/health").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/actuator").body()).contains("\"_links\"", "/actuator/health");
			assertThat(get(context, "/actuatorx/health").statusCode()).isEqualTo(404);
			HttpResponse<String> preflight = this.http.send(HttpRequest.newBuilder(uri(context, "/actuator/health"))
				.method("OPTIONS", HttpRequest.BodyPublishers.noBody())
				.header("Origin", "https://example.org")
				.header("Access-Control-Request-Method", "GET")
				.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://example.org");
		}
	}

	@Test
	void endpointsAndPathMappingAnswerUnderACustomBasePath() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.base-path=/manage/ops",
				"management.endpoints.web.path-mapping.health=alive")) {
			assertThat(context.getBean(BasePathEndpointHandlerMapping.class).isBasePathChecked()).isTrue();
			assertThat(get(context, "/manage/ops/alive").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/manage/ops").body()).contains("/manage/ops/alive");
			assertThat(get(context, "/manage/ops/info").statusCode()).isEqualTo(200);
			assertThat(get(context, "/manage/alive").statusCode()).isEqualTo(404);
			assertThat(get(context, "/actuator/health").statusCode()).isEqualTo(404);
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
		}
	}

	@Test
	void rootBasePathKeepsEveryRequestOnBootsMatching() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoints.web.base-path=/")) {
			assertThat(context.getBean(BasePathEndpointHandlerMapping.class).isBasePathChecked()).isFalse();
			assertThat(get(context, "/health").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
		}
	}

	@Test
	void switchOffAndManagementPortKeepBootsMapping() throws Exception {
		try (ConfigurableApplicationContext context = start("hyperlane.server.actuator-path-check=false")) {
			assertThat(context.getBean(WebFluxEndpointHandlerMapping.class))
				.isNotInstanceOf(BasePathEndpointHandlerMapping.class);
			assertThat(get(context, "/actuator/health").body()).contains("\"status\":\"UP\"");
		}
		try (ConfigurableApplicationContext context = start("management.server.port=0")) {
			assertThat(context.getBeansOfType(BasePathEndpointHandlerMapping.class)).isEmpty();
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
		}
	}

	@Test
	void healthPathsMappingWithoutAdditionalPathIsReplacedAndOneWithAPathIsBoots() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(context.getBeansOfType(AdditionalHealthEndpointPathsWebFluxHandlerMapping.class).values())
				.singleElement()
				.isInstanceOf(NoHealthPathsHandlerMapping.class);
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
			assertThat(get(context, "/actuator/health").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/livez").statusCode()).isEqualTo(404);
		}
		try (ConfigurableApplicationContext context = start("management.endpoint.health.group.live.include=ping",
				"management.endpoint.health.group.live.additional-path=server:/livez")) {
			assertThat(context.getBeansOfType(AdditionalHealthEndpointPathsWebFluxHandlerMapping.class).values())
				.singleElement()
				.isNotInstanceOf(NoHealthPathsHandlerMapping.class);
			assertThat(get(context, "/livez").body()).contains("\"status\":\"UP\"");
			assertThat(get(context, "/plaintext").body()).isEqualTo("Hello, World!");
		}
	}

	@Test
	void requestOutsideTheBasePathSkipsTheRegistrationsMatching() {
		try (ConfigurableApplicationContext context = start()) {
			WebEndpointsSupplier endpoints = context.getBean(WebEndpointsSupplier.class);
			CountingMapping mapping = new CountingMapping(endpoints, context.getBean(EndpointMediaTypes.class));
			mapping.setApplicationContext(context);
			mapping.afterPropertiesSet();
			assertThat(mapping.getHandler(exchange("/plaintext")).blockOptional()).isEmpty();
			assertThat(mapping.getHandler(exchange("/actuatorx/health")).blockOptional()).isEmpty();
			assertThat(mapping.matchings.get()).isZero();
			assertThat(mapping.getHandler(exchange("/actuator/health")).blockOptional()).isPresent();
			assertThat(mapping.matchings.get()).isPositive();
		}
	}

	private static ServerWebExchange exchange(String path) {
		return MockServerWebExchange.from(MockServerHttpRequest.get(path).header("Accept", "*/*"));
	}

	private ConfigurableApplicationContext start(String... extra) {
		List<String> properties = new ArrayList<>(List.of("server.port=0",
				"management.endpoints.web.exposure.include=health,info,hyperlane",
				"management.endpoints.web.cors.allowed-origins=https://example.org",
				"management.endpoints.web.cors.allowed-methods=GET", "spring.reactor.netty.shutdown-quiet-period=10ms"));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(PlaintextApp.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class PlaintextApp {

		@Bean
		RouterFunction<ServerResponse> plaintext() {
			return RouterFunctions.route()
				.GET("/plaintext", (request) -> ServerResponse.ok().bodyValue("Hello, World!"))
				.build();
		}

	}

	/** The mapping as the auto-configuration builds it, counting each registration tested against a request. */
	static final class CountingMapping extends BasePathEndpointHandlerMapping {

		final AtomicInteger matchings = new AtomicInteger();

		CountingMapping(WebEndpointsSupplier endpoints, EndpointMediaTypes mediaTypes) {
			super(new EndpointMapping("/actuator"), endpoints.getEndpoints(), mediaTypes, null,
					new EndpointLinksResolver(List.of(), "/actuator"), true);
		}

		@Override
		protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, ServerWebExchange exchange) {
			this.matchings.incrementAndGet();
			return super.getMatchingMapping(info, exchange);
		}

	}

}
