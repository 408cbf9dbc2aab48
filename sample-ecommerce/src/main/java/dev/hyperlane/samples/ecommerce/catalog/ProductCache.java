package dev.hyperlane.samples.ecommerce.catalog;

import reactor.core.publisher.Mono;

/**
 * The cache in front of the product table (cache-aside: readers fill it, writers evict from it).
 */
public interface ProductCache {

	/**
	 * A cached product.
	 * @param id the product id
	 * @return the product, or empty when not cached
	 */
	Mono<Product> get(long id);

	/**
	 * Cache a product for {@code catalog.cache.ttl}.
	 * @param product the product, with its id
	 * @return completion
	 */
	Mono<Void> put(Product product);

	/**
	 * Forget a product, after it changed.
	 * @param id the product id
	 * @return completion
	 */
	Mono<Void> evict(long id);

	/**
	 * Check that the cache answers.
	 * @return a short description of the cache
	 */
	Mono<String> check();

}
