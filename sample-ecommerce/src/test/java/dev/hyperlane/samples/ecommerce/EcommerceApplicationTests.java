package dev.hyperlane.samples.ecommerce;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.GZIPInputStream;

import com.netflix.discovery.EurekaClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storefront as the README's run command starts it, with nothing installed (Flyway-migrated in-memory H2,
 * in-process cache): the catalog answers, the probes and Prometheus answer, the hyperlane endpoint shows the
 * transport and the server settings with their sources, and a large JSON response is gzip-compressed. Without the
 * {@code eureka} profile no Eureka client runs (its jar is on the class path) and payments come from the fixed list.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.reactor.netty.shutdown-quiet-period=0s")
class EcommerceApplicationTests {

	private final HttpClient client = HttpClient.newHttpClient();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	ApplicationContext context;

	@Autowired
	ReactiveDiscoveryClient discovery;

	@Test
	void withoutTheEurekaProfileNoEurekaClientRunsAndPaymentsComeFromTheFixedList() {
		assertThat(this.context.getBeanNamesForType(EurekaClient.class)).isEmpty();
		assertThat(this.discovery.getInstances("payments")
			.map(ServiceInstance::getPort)
			.collectList()
			.block(Duration.ofSeconds(5))).containsExactly(8081, 8082);
	}

	@Test
	void catalogAnswers() throws Exception {
		JsonNode all = this.json.readTree(get("/products").body());
		assertThat(all.size()).isEqualTo(300);
		JsonNode books = this.json.readTree(get("/products?category=books").body());
		assertThat(books.size()).isEqualTo(50);
		books.forEach((product) -> assertThat(product.get("category").asText()).isEqualTo("books"));
		JsonNode one = this.json.readTree(get("/products/3").body());
		assertThat(one.get("sku").asText()).isEqualTo("SKU-00003");
		assertThat(get("/products/9999").statusCode()).isEqualTo(404);
	}

	@Test
	void probesAndPrometheusAnswer() throws Exception {
		JsonNode readiness = this.json.readTree(get("/actuator/health/readiness").body());
		assertThat(readiness.get("status").asText()).isEqualTo("UP");
		assertThat(this.json.readTree(get("/actuator/health").body()).at("/components/catalogCache/details/cache")
			.asText()).startsWith("in-process");
		HttpResponse<byte[]> prometheus = get("/actuator/prometheus");
		assertThat(prometheus.statusCode()).isEqualTo(200);
		assertThat(new String(prometheus.body())).contains("jvm_memory_used_bytes");
	}

	@Test
	void hyperlaneEndpointShowsWhatWasApplied() throws Exception {
		HttpResponse<byte[]> response = get("/actuator/hyperlane");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode body = this.json.readTree(response.body());
		assertThat(body.at("/transport/transport").asText()).isIn("io_uring", "epoll", "nio");
		assertThat(body.at("/transport/eventLoops/threads").asInt()).isPositive();
		assertThat(body.at("/server/settings/hyperlane.server.idle-timeout/source").asText()).isEqualTo("default");
		assertThat(body.at("/server/statistics/requests").asLong()).isPositive();
		assertThat(body.at("/runtime/garbageCollector").asText()).isNotEmpty();
		assertThat(body.has("advice")).isTrue();
	}

	@Test
	void largeJsonIsCompressedForClientsThatAcceptGzip() throws Exception {
		HttpRequest request = HttpRequest.newBuilder(uri("/products")).header("Accept-Encoding", "gzip").build();
		HttpResponse<byte[]> response = this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
		assertThat(response.headers().firstValue("content-encoding")).hasValue("gzip");
		byte[] plain = gunzip(response.body());
		assertThat(this.json.readTree(plain).size()).isEqualTo(300);
		assertThat(response.body().length).isLessThan(plain.length / 4);
	}

	private HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
		return this.client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	private static byte[] gunzip(byte[] compressed) throws IOException {
		try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed))) {
			return in.readAllBytes();
		}
	}

}
