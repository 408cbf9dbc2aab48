package dev.hyperlane.samples.ecommerce.catalog;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import reactor.core.publisher.Flux;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Seeds the catalog at start with {@value #PRODUCTS} products over {@link #CATEGORIES} when it is empty. The data
 * is deterministic: product {@code n} has the same name, price and stock on every run.
 */
@Component
class CatalogSeeder implements ApplicationRunner {

	static final int PRODUCTS = 300;

	static final List<String> CATEGORIES = List.of("books", "music", "garden", "kitchen", "toys", "outdoor");

	private static final List<String> ADJECTIVES = List.of("Classic", "Compact", "Deluxe", "Eco", "Handmade",
			"Portable", "Premium", "Rugged", "Smart", "Vintage");

	private final ProductRepository products;

	CatalogSeeder(ProductRepository products) {
		this.products = products;
	}

	@Override
	public void run(ApplicationArguments args) {
		this.products.count()
			.filter((count) -> count == 0)
			.flatMapMany((empty) -> this.products.saveAll(Flux.fromStream(IntStream.rangeClosed(1, PRODUCTS)
				.mapToObj(CatalogSeeder::product))))
			.then()
			.block(Duration.ofSeconds(30));
	}

	static Product product(int n) {
		String category = CATEGORIES.get(n % CATEGORIES.size());
		String adjective = ADJECTIVES.get(n % ADJECTIVES.size());
		String name = adjective + " " + category.substring(0, 1).toUpperCase() + category.substring(1) + " Item " + n;
		String description = "The " + name.toLowerCase() + " is a " + adjective.toLowerCase()
				+ " piece from our " + category + " range, made to last and shipped in recyclable packaging.";
		BigDecimal price = BigDecimal.valueOf(499 + (n * 137L) % 9500, 2);
		return new Product(null, String.format("SKU-%05d", n), name, category, description, price, "EUR",
				(n * 7) % 120);
	}

}
