package dev.hyperlane.samples.ecommerce.catalog;

import reactor.core.publisher.Flux;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/**
 * Reactive access to the product table.
 */
public interface ProductRepository extends ReactiveCrudRepository<Product, Long> {

	/**
	 * Find the products of one category, by id.
	 * @param category the category
	 * @return the products
	 */
	Flux<Product> findByCategoryOrderById(String category);

	/**
	 * Find every product, by id.
	 * @return the products
	 */
	Flux<Product> findAllByOrderById();

}
