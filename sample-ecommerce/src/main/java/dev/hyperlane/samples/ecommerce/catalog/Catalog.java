package dev.hyperlane.samples.ecommerce.catalog;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;

/**
 * Reads products through the {@link ProductCache} (cache-aside: a miss reads the database and fills the cache)
 * and changes them in the database, evicting the changed products from the cache after each change. A read that
 * races with an update may put the old product back; the cache's time to live bounds how long it stays.
 */
@Service
public class Catalog {

	private final ProductRepository products;

	private final ProductCache cache;

	private final DatabaseClient database;

	Catalog(ProductRepository products, ProductCache cache, DatabaseClient database) {
		this.products = products;
		this.cache = cache;
		this.database = database;
	}

	/**
	 * A product, from the cache when it is there.
	 * @param id the product id
	 * @return the product, or empty when there is none
	 */
	public Mono<Product> find(long id) {
		return this.cache.get(id)
			.switchIfEmpty(Mono.defer(() -> this.products.findById(id)
				.flatMap((product) -> this.cache.put(product).thenReturn(product))));
	}

	/**
	 * Set a product's price and stock.
	 * @param id the product id
	 * @param price the new unit price
	 * @param stock the new stock
	 * @return the product as stored, or empty when there is none
	 */
	public Mono<Product> update(long id, BigDecimal price, int stock) {
		return this.database.sql("UPDATE product SET price = :price, stock = :stock WHERE id = :id")
			.bind("price", price)
			.bind("stock", stock)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.flatMap((rows) -> evict(List.of(id)).thenReturn(rows))
			.filter((rows) -> rows == 1)
			.flatMap((rows) -> this.products.findById(id));
	}

	/**
	 * Take units out of stock, in the caller's transaction.
	 * @param id the product id
	 * @param quantity how many, positive
	 * @return the product as stored after the change, or empty when it does not exist or has too few units
	 */
	public Mono<Product> reserve(long id, int quantity) {
		return changeStock(id, -quantity);
	}

	/**
	 * Put units back in stock (an order was declined), in the caller's transaction.
	 * @param id the product id
	 * @param quantity how many, positive
	 * @return the product as stored after the change, or empty when it does not exist
	 */
	public Mono<Product> release(long id, int quantity) {
		return changeStock(id, quantity);
	}

	private Mono<Product> changeStock(long id, int delta) {
		return this.database.sql("UPDATE product SET stock = stock + :delta WHERE id = :id AND stock + :delta >= 0")
			.bind("delta", delta)
			.bind("id", id)
			.fetch()
			.rowsUpdated()
			.filter((rows) -> rows == 1)
			.flatMap((rows) -> this.products.findById(id));
	}

	/**
	 * Forget products whose stock or price changed.
	 * @param ids the product ids
	 * @return completion
	 */
	public Mono<Void> evict(Collection<Long> ids) {
		return Flux.fromIterable(ids).concatMap(this.cache::evict).then();
	}

}
