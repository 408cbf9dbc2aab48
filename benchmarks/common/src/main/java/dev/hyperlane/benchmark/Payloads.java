package dev.hyperlane.benchmark;

import java.util.ArrayList;
import java.util.List;

/**
 * The JSON documents every benchmark target serializes on each request: a page of catalog items of about
 * 1 KB ({@link #SMALL}) and about 1 MB ({@link #LARGE}) once written by Jackson. The object graphs are built
 * once; serialization happens per request, in each target's own way. Sizes are checked by the harness
 * ({@code bytes per response} in the results).
 *
 * @author Hyperlane
 */
public final class Payloads {

	/** Items in {@link #SMALL}: 1,022 bytes of JSON. */
	static final int SMALL_ITEMS = 7;

	/** Items in {@link #LARGE}: about 1.0 MiB of JSON. */
	static final int LARGE_ITEMS = 7_300;

	private static final String[] CATEGORIES = { "books", "garden", "kitchen", "toys", "tools" };

	/** Page of about 1 KB of JSON. */
	public static final Page SMALL = page("small", SMALL_ITEMS);

	/** Page of about 1 MB of JSON. */
	public static final Page LARGE = page("large", LARGE_ITEMS);

	/** Body of the plaintext endpoint. */
	public static final String PLAINTEXT = "Hello, World!";

	private Payloads() {
	}

	private static Page page(String name, int count) {
		List<Item> items = new ArrayList<>(count);
		for (int i = 1; i <= count; i++) {
			items.add(new Item(i, String.format("SKU-%06d", i), "Catalog product number " + i,
					CATEGORIES[i % CATEGORIES.length], 999 + (i * 37L) % 10_000, i % 97,
					List.of("tag-" + (i % 11), "tag-" + (i % 13))));
		}
		return new Page(name, count, List.copyOf(items));
	}

	/**
	 * One catalog item.
	 *
	 * @param id item number, from 1
	 * @param sku stock-keeping unit
	 * @param name display name
	 * @param category one of five categories
	 * @param priceCents price in cents
	 * @param stock units in stock
	 * @param tags two tags
	 */
	public record Item(int id, String sku, String name, String category, long priceCents, int stock,
			List<String> tags) {
	}

	/**
	 * A page of items.
	 *
	 * @param name page name ({@code small} or {@code large})
	 * @param count number of items
	 * @param items the items
	 */
	public record Page(String name, int count, List<Item> items) {
	}

}
