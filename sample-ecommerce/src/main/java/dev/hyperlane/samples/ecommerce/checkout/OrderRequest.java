package dev.hyperlane.samples.ecommerce.checkout;

import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /orders}: {@code {"items": [{"productId": 3, "quantity": 2}]}}.
 *
 * @param items 1 to 50 items
 */
public record OrderRequest(@NotEmpty @Size(max = 50) List<@Valid @NotNull Item> items) {

	/**
	 * One item.
	 *
	 * @param productId the product
	 * @param quantity 1 to 1000 units
	 */
	public record Item(@NotNull Long productId, @NotNull @Min(1) @Max(1000) Integer quantity) {

	}

}
