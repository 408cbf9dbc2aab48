package dev.hyperlane.samples.ecommerce.catalog;

import java.math.BigDecimal;

import org.jspecify.annotations.Nullable;

import org.springframework.data.annotation.Id;
import org.springframework.data.relational.core.mapping.Table;

/**
 * A product of the catalog.
 *
 * @param id the identifier, assigned by the database
 * @param sku the stock-keeping unit, unique
 * @param name the display name
 * @param category the category, such as {@code books}
 * @param description a few sentences of text
 * @param price the unit price in {@code currency}
 * @param currency the ISO 4217 currency code
 * @param stock units in stock
 */
@Table
public record Product(@Id @Nullable Long id, String sku, String name, String category, String description,
		BigDecimal price, String currency, int stock) {

}
