package dev.hyperlane.samples.ecommerce;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storefront calls a payments peer (a real Reactor Netty server on port 0, listed as the only payments
 * instance) through its {@code @LoadBalanced WebClient.Builder}, and {@code /actuator/hyperlane} shows the
 * payments service's pool with live numbers and its balancer with the instance.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.reactor.netty.shutdown-quiet-period=0s")
class CheckoutClientTests {

	private static final DisposableServer payments = HttpServer.create()
		.host("127.0.0.1")
		.port(0)
		.route((routes) -> routes.get("/payments/ping",
				(request, response) -> response.header("Content-Type", "application/json")
					.sendString(Mono.just("{\"instance\":\"payments-test\",\"status\":\"up\"}"))))
		.bindNow();

	private final HttpClient client = HttpClient.newHttpClient();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void paymentsUrl(DynamicPropertyRegistry registry) {
		registry.add("spring.cloud.discovery.client.simple.instances.payments[0].uri",
				() -> "http://127.0.0.1:" + payments.port());
	}

	@AfterAll
	static void stopPayments() {
		payments.disposeNow();
	}

	@Test
	void callsPaymentsThroughThePerServicePool() throws Exception {
		JsonNode status = get("/checkout/payments-status");
		assertThat(status.at("/payments/instance").asText()).isEqualTo("payments-test");
		JsonNode clients = get("/actuator/hyperlane/clients");
		JsonNode service = clients.get("payments");
		assertThat(service.at("/settings/hyperlane.client.services.payments.max-connections/value").asText())
			.isEqualTo("64");
		assertThat(service.at("/statistics/requests").asLong()).isPositive();
		assertThat(service.at("/statistics/pools").size()).isEqualTo(1);
		JsonNode balancer = get("/actuator/hyperlane/loadbalancers").get("payments");
		assertThat(balancer.get("instances").size()).isEqualTo(1);
	}

	private JsonNode get(String path) throws Exception {
		HttpResponse<String> response = this.client.send(
				HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(path).isEqualTo(200);
		return this.json.readTree(response.body());
	}

}
