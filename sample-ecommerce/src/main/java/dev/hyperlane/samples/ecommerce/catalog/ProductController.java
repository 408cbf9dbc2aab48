package dev.hyperlane.samples.ecommerce.catalog;

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
 * {@code GET /products}, {@code GET /products?category=books} and {@code GET /products/{id}} (404 when unknown).
 */
@RestController
@RequestMapping("/products")
class ProductController {

	private final ProductRepository products;

	ProductController(ProductRepository products) {
		this.products = products;
	}

	@GetMapping
	Flux<Product> list(@RequestParam(required = false) @Nullable String category) {
		return (category != null) ? this.products.findByCategoryOrderById(category)
				: this.products.findAllByOrderById();
	}

	@GetMapping("/{id}")
	Mono<Product> get(@PathVariable long id) {
		return this.products.findById(id)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no product " + id)));
	}

}
