/**
 * The storefront sample application.
 */
@NullMarked
package dev.hyperlane.samples.ecommerce;

import org.jspecify.annotations.NullMarked;
