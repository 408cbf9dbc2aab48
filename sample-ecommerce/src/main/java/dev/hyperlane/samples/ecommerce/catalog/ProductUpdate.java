package dev.hyperlane.samples.ecommerce.catalog;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * The body of {@code PUT /products/{id}}.
 *
 * @param price the unit price, positive, at most two decimals
 * @param stock the units in stock, zero or more
 */
public record ProductUpdate(@NotNull @DecimalMin("0.01") @Digits(integer = 10, fraction = 2) BigDecimal price,
		@NotNull @Min(0) Integer stock) {

}
