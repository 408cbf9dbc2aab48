/**
 * Checkout: the storefront's calls to the payments service.
 */
@NullMarked
package dev.hyperlane.samples.ecommerce.checkout;

import org.jspecify.annotations.NullMarked;
