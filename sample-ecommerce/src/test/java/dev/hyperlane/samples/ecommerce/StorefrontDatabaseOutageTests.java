package dev.hyperlane.samples.ecommerce;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import dev.hyperlane.boot.testsupport.TcpProxy;
import dev.hyperlane.samples.testsupport.PostgresAddress;
import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The storefront's PostgreSQL briefly unreachable: requests go through a {@link TcpProxy} the test cuts for about
 * three seconds. Reads that miss the cache and writes are answered 503 with {@code Retry-After} and a "Database
 * unavailable" problem detail (no 500, no stack trace); once the link is back the same requests succeed without a
 * restart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "catalog.cache.type=in-process", "orders.pending-retry.interval=0s",
				"spring.reactor.netty.shutdown-quiet-period=0s" })
@Timeout(90)
class StorefrontDatabaseOutageTests {

	private static final PostgresAddress postgres = SampleInfrastructure.postgres();

	private static final String schema = SampleInfrastructure.schema("storefront_outage");

	private static final TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@LocalServerPort
	int port;

	@DynamicPropertySource
	static void postgresThroughTheProxy(DynamicPropertyRegistry registry) {
		postgres.registerThrough(proxy, schema, registry);
	}

	@AfterAll
	static void dropSchema() {
		proxy.close();
		postgres.dropSchema(schema);
	}

	@Test
	void uncachedReadsAndWritesGet503WhileTheDatabaseIsUnreachableAndSucceedOnceItIsBack() throws Exception {
		assertThat(update(7).statusCode()).isEqualTo(200);
		proxy.cut();
		int answered = 0;
		try {
			long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
			int product = 10;
			while (System.nanoTime() < end && answered < 100) {
				assertUnavailable(update(7));
				assertUnavailable(get("/products/" + product++));
				answered += 2;
				Thread.sleep(50);
			}
		}
		finally {
			proxy.restore();
		}
		assertThat(answered).isGreaterThanOrEqualTo(4);
		HttpResponse<String> recovered = null;
		for (int attempt = 0; attempt < 100; attempt++) {
			recovered = update(7);
			if (recovered.statusCode() == 200) {
				break;
			}
			assertUnavailable(recovered);
			Thread.sleep(200);
		}
		assertThat(recovered.statusCode()).as(recovered.body()).isEqualTo(200);
		assertThat(get("/products/10").statusCode()).isEqualTo(200);
	}

	private void assertUnavailable(HttpResponse<String> response) {
		assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
		assertThat(response.headers().firstValue("Retry-After")).isPresent();
		assertThat(response.headers().firstValue("Content-Type"))
			.hasValueSatisfying((type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(response.body()).contains("Database unavailable").doesNotContain("Exception");
	}

	private HttpResponse<String> update(int product) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri("/products/" + product))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"price\":\"12.50\",\"stock\":500}"))
			.timeout(Duration.ofSeconds(20))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
