package dev.hyperlane.samples.ecommerce.catalog;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Products cached in Redis as JSON under {@code catalog.cache.key-prefix} + id, with a time to live of
 * {@code catalog.cache.ttl}, through Spring Data Redis on the reactive Lettuce driver. Shared by every instance,
 * so an update evicts the entry for all of them. A Redis error fails the read or write that met it.
 */
class RedisProductCache implements ProductCache {

	private final ReactiveStringRedisTemplate redis;

	private final JsonMapper json;

	private final String prefix;

	private final Duration ttl;

	RedisProductCache(ReactiveStringRedisTemplate redis, JsonMapper json, CatalogProperties.Cache properties) {
		this.redis = redis;
		this.json = json;
		this.prefix = properties.getKeyPrefix();
		this.ttl = properties.getTtl();
	}

	@Override
	public Mono<Product> get(long id) {
		return this.redis.opsForValue().get(key(id)).map((value) -> this.json.readValue(value, Product.class));
	}

	@Override
	public Mono<Void> put(Product product) {
		return this.redis.opsForValue()
			.set(key(product.id()), this.json.writeValueAsString(product), this.ttl)
			.then();
	}

	@Override
	public Mono<Void> evict(long id) {
		return this.redis.delete(key(id)).then();
	}

	@Override
	public Mono<String> check() {
		return this.redis.execute((connection) -> connection.ping()).next().map((pong) -> "redis, " + pong);
	}

	private String key(@Nullable Long id) {
		return this.prefix + id;
	}

}
