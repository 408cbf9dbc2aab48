package dev.hyperlane.samples.ecommerce.catalog;

import java.util.List;

import jakarta.validation.Valid;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /products}, {@code GET /products?category=books} (a JSON array, read from the database),
 * {@code GET /products/{id}} (through the product cache; 404 when unknown) and {@code PUT /products/{id}} with
 * {@code {"price": 12.50, "stock": 40}} (the stored product; 400 problem detail when invalid, 404 when unknown).
 */
@RestController
@RequestMapping("/products")
class ProductController {

	private final ProductRepository products;

	private final Catalog catalog;

	ProductController(ProductRepository products, Catalog catalog) {
		this.products = products;
		this.catalog = catalog;
	}

	@GetMapping
	Mono<List<Product>> list(@RequestParam(required = false) @Nullable String category) {
		Flux<Product> products = (category != null) ? this.products.findByCategoryOrderById(category)
				: this.products.findAllByOrderById();
		return completeEvenIfCancelled(products.collectList());
	}

	/**
	 * Run the database read to its end even when the HTTP client goes away mid-response: a read cancelled while
	 * rows were streaming left its R2DBC connection checked out of the pool (seen under load, see
	 * benchmarks/allocator/README.md), and the catalog is small enough to collect first.
	 */
	private static <T> Mono<T> completeEvenIfCancelled(Mono<T> read) {
		return Mono.fromFuture(read.toFuture(), true);
	}

	@GetMapping("/{id}")
	Mono<Product> get(@PathVariable long id) {
		return this.catalog.find(id).switchIfEmpty(notFound(id));
	}

	@PutMapping("/{id}")
	Mono<Product> update(@PathVariable long id, @Valid @RequestBody ProductUpdate update) {
		return this.catalog.update(id, update.price(), update.stock()).switchIfEmpty(notFound(id));
	}

	private static Mono<Product> notFound(long id) {
		return Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + id));
	}

}
