package dev.hyperlane.boot.actuate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import dev.hyperlane.boot.testsupport.FreePort;
import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import dev.hyperlane.boot.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code hyperlane} endpoint over HTTP in a whole application (every auto-configuration on the class path): its
 * write operation is refused with the default read-only access and works with
 * {@code management.endpoint.hyperlane.access=unrestricted}; and with secrets configured (SSL bundle store and key
 * passwords, a discovery instance URL carrying user and password, after a call through it) none of them appears in
 * the endpoint's output.
 */
@Timeout(90)
class EndpointAccessTests {

	private static final String URL_PASSWORD = "pa55-" + UUID.randomUUID();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@Test
	void writeOperationIsRefusedWithTheDefaultReadOnlyAccess() throws Exception {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(get(context, "/actuator/hyperlane/server").statusCode()).isEqualTo(200);
			HttpResponse<String> post = post(context, "/actuator/hyperlane/server",
					"{\"action\": \"concurrency-limit\", \"value\": \"7\"}");
			assertThat(post.statusCode()).isBetween(400, 499);
			assertThat(get(context, "/actuator/hyperlane/server").body()).doesNotContain("\"limit\":7");
		}
	}

	@Test
	void writeOperationWorksWithUnrestrictedAccess() throws Exception {
		try (ConfigurableApplicationContext context = start("management.endpoint.hyperlane.access=unrestricted")) {
			HttpResponse<String> post = post(context, "/actuator/hyperlane/server",
					"{\"action\": \"concurrency-limit\", \"value\": \"7\"}");
			assertThat(post.statusCode()).isEqualTo(200);
			assertThat(post.body()).contains("\"limit\":7");
			assertThat(get(context, "/actuator/hyperlane/server").body()).contains("\"limit\":7");
			assertThat(post(context, "/actuator/hyperlane/server", "{\"action\": \"concurrency-limit\", \"value\": \"x\"}")
				.statusCode()).isEqualTo(400);
			assertThat(post(context, "/actuator/hyperlane/server", "{\"action\": \"explode\"}").statusCode())
				.isEqualTo(400);
		}
	}

	@Test
	void noSecretAppearsInTheOutput() throws Exception {
		TestCertificates certificates = TestCertificates.get();
		int deadPort = FreePort.find();
		List<String> properties = new ArrayList<>(
				certificates.bundle("partner", certificates.clientKeyStore(), "client"));
		properties.add("hyperlane.client.services.partner.ssl-bundle=partner");
		properties.add("hyperlane.client.services.payments.max-connections=4");
		properties.add("spring.cloud.discovery.client.simple.instances.payments[0].uri=http://operator:" + URL_PASSWORD
				+ "@127.0.0.1:" + deadPort);
		try (ConfigurableApplicationContext context = start(properties.toArray(new String[0]))) {
			WebClient client = context.getBean("loadBalancedWebClientBuilder", WebClient.Builder.class).build();
			client.get()
				.uri("http://payments/ping")
				.retrieve()
				.toBodilessEntity()
				.onErrorComplete()
				.block(Duration.ofSeconds(20));
			String output = get(context, "/actuator/hyperlane").body();
			assertThat(output).contains("\"payments\"").contains("127.0.0.1:" + deadPort).contains("partner");
			assertThat(output).doesNotContain(certificates.password())
				.doesNotContain(URL_PASSWORD)
				.doesNotContain("operator:")
				.doesNotContainIgnoringCase("password");
		}
	}

	private ConfigurableApplicationContext start(String... extra) {
		List<String> properties = new ArrayList<>(List.of("server.port=0",
				"management.endpoints.web.exposure.include=hyperlane", "hyperlane.server.concurrency-limit.enabled=true",
				"spring.reactor.netty.shutdown-quiet-period=10ms"));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(LoadBalancedApp.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	private HttpResponse<String> get(ConfigurableApplicationContext context, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(ConfigurableApplicationContext context, String path, String json)
			throws Exception {
		return this.http.send(HttpRequest.newBuilder(uri(context, path))
			.timeout(Duration.ofSeconds(10))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static URI uri(ConfigurableApplicationContext context, String path) {
		int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
		return URI.create("http://127.0.0.1:" + port + path);
	}

}
