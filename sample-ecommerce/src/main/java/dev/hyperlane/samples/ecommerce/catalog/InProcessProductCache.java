package dev.hyperlane.samples.ecommerce.catalog;

import java.util.Objects;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import reactor.core.publisher.Mono;

/**
 * Products cached in this JVM by Caffeine, for {@code catalog.cache.ttl} after each write and at most
 * {@code catalog.cache.maximum-size} of them: the default, so the sample runs with nothing installed. Each
 * instance has its own cache, so another instance's update is seen here only when the entry expires.
 */
class InProcessProductCache implements ProductCache {

	private final Cache<Long, Product> cache;

	InProcessProductCache(CatalogProperties.Cache properties) {
		this.cache = Caffeine.newBuilder()
			.expireAfterWrite(properties.getTtl())
			.maximumSize(properties.getMaximumSize())
			.build();
	}

	@Override
	public Mono<Product> get(long id) {
		return Mono.fromSupplier(() -> this.cache.getIfPresent(id));
	}

	@Override
	public Mono<Void> put(Product product) {
		return Mono.fromRunnable(() -> this.cache.put(Objects.requireNonNull(product.id()), product));
	}

	@Override
	public Mono<Void> evict(long id) {
		return Mono.fromRunnable(() -> this.cache.invalidate(id));
	}

	@Override
	public Mono<String> check() {
		return Mono.just("in-process, " + this.cache.estimatedSize() + " products");
	}

}
