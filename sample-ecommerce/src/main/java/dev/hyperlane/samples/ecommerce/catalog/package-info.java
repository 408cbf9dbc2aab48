/**
 * The product catalog: products stored through R2DBC and served as JSON.
 */
@NullMarked
package dev.hyperlane.samples.ecommerce.catalog;

import org.jspecify.annotations.NullMarked;
