package dev.hyperlane.samples.ecommerce.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /products}, {@code GET /products?category=books} (a JSON array) and {@code GET /products/{id}} (404
 * when unknown).
 */
@RestController
@RequestMapping("/products")
class ProductController {

	private final ProductRepository products;

	ProductController(ProductRepository products) {
		this.products = products;
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
		return this.products.findById(id)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + id)));
	}

}
