package dev.hyperlane.samples.ecommerce;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import dev.hyperlane.samples.testsupport.SampleInfrastructure;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The catalog over real PostgreSQL (schema {@code storefront_cache}) behind real Redis (keys under a prefix of
 * this run's own): a product read once is stored in Redis with its time to live and later reads are served from
 * Redis (a change made behind the service's back stays unseen); {@code PUT /products/{id}} evicts it, and the next
 * read caches the new price and stock.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { SampleInfrastructure.SCHEMA_PROPERTY + "=storefront_cache", "catalog.cache.type=redis",
				"catalog.cache.ttl=2m", "orders.pending-retry.interval=0s",
				"spring.reactor.netty.shutdown-quiet-period=0s" })
@Import(SampleInfrastructure.class)
@Timeout(60)
class CatalogCacheTests {

	private static final String PREFIX = "test:storefront-cache:" + UUID.randomUUID() + ":";

	private final HttpClient client = HttpClient.newHttpClient();

	private final ObjectMapper json = new ObjectMapper();

	@LocalServerPort
	int port;

	@Autowired
	ReactiveStringRedisTemplate redis;

	@Autowired
	DatabaseClient database;

	@DynamicPropertySource
	static void keyPrefix(DynamicPropertyRegistry registry) {
		registry.add("catalog.cache.key-prefix", () -> PREFIX);
	}

	@AfterEach
	void deleteKeys() {
		this.redis.scan(ScanOptions.scanOptions().match(PREFIX + "*").build())
			.flatMap(this.redis::delete)
			.blockLast(Duration.ofSeconds(5));
	}

	@Test
	void cachedProductIsServedFromRedisAndRefreshedAfterPut() throws Exception {
		String key = PREFIX + "7";
		assertThat(this.redis.hasKey(key).block(Duration.ofSeconds(5))).isFalse();
		JsonNode first = this.json.readTree(send(get("/products/7")).body());
		assertThat(first.get("sku").asText()).isEqualTo("SKU-00007");

		String cached = this.redis.opsForValue().get(key).block(Duration.ofSeconds(5));
		assertThat(cached).isNotNull();
		assertThat(this.json.readTree(cached)).isEqualTo(first);
		Duration ttl = this.redis.getExpire(key).block(Duration.ofSeconds(5));
		assertThat(ttl).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(2));

		// a change behind the service's back is not seen: reads come from Redis
		this.database.sql("UPDATE product SET name = 'Renamed behind the cache' WHERE id = 7")
			.fetch()
			.rowsUpdated()
			.block(Duration.ofSeconds(5));
		assertThat(this.json.readTree(send(get("/products/7")).body()).get("name").asText())
			.isEqualTo(first.get("name").asText());

		HttpResponse<String> updated = send(put("/products/7", "{\"price\":\"12.34\",\"stock\":77}"));
		assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
		assertThat(this.json.readTree(updated.body()).get("price").decimalValue()).isEqualByComparingTo("12.34");
		assertThat(this.redis.hasKey(key).block(Duration.ofSeconds(5))).isFalse();

		JsonNode refreshed = this.json.readTree(send(get("/products/7")).body());
		assertThat(refreshed.get("price").decimalValue()).isEqualByComparingTo("12.34");
		assertThat(refreshed.get("stock").asInt()).isEqualTo(77);
		assertThat(refreshed.get("name").asText()).isEqualTo("Renamed behind the cache");
		assertThat(this.json.readTree(this.redis.opsForValue().get(key).block(Duration.ofSeconds(5))))
			.isEqualTo(refreshed);
	}

	@Test
	void invalidOrUnknownUpdatesAreProblemDetails() throws Exception {
		HttpResponse<String> invalid = send(put("/products/8", "{\"price\":\"-1\",\"stock\":-5}"));
		assertThat(invalid.statusCode()).isEqualTo(400);
		assertThat(invalid.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/problem+json"));
		assertThat(send(put("/products/99999", "{\"price\":\"1.00\",\"stock\":1}")).statusCode()).isEqualTo(404);
	}

	@Test
	void readinessIncludesTheRedisCache() throws Exception {
		JsonNode readiness = this.json.readTree(send(get("/actuator/health/readiness")).body());
		assertThat(readiness.get("status").asText()).isEqualTo("UP");
		assertThat(readiness.at("/components/catalogCache/details/cache").asText()).startsWith("redis");
	}

	private HttpRequest get(String path) {
		return HttpRequest.newBuilder(uri(path)).build();
	}

	private HttpRequest put(String path, String body) {
		return HttpRequest.newBuilder(uri(path))
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString(body))
			.build();
	}

	private HttpResponse<String> send(HttpRequest request) throws Exception {
		return this.client.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

}
