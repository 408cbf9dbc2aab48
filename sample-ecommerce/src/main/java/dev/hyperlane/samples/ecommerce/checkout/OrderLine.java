package dev.hyperlane.samples.ecommerce.checkout;

import java.math.BigDecimal;

/**
 * One line of an order.
 *
 * @param productId the product
 * @param quantity how many units
 * @param unitPrice the product's price when the order was placed
 */
public record OrderLine(long productId, int quantity, BigDecimal unitPrice) {

}
