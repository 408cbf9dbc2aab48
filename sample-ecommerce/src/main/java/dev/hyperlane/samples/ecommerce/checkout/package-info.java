/**
 * Checkout: orders, and the storefront's calls to the payments service through the load balancer.
 */
@NullMarked
package dev.hyperlane.samples.ecommerce.checkout;

import org.jspecify.annotations.NullMarked;
