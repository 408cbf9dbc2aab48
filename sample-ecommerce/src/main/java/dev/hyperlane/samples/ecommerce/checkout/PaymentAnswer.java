package dev.hyperlane.samples.ecommerce.checkout;

import java.util.UUID;

/**
 * What payments answered to {@code POST /payments}: the fields the storefront keeps.
 *
 * @param id the payment
 * @param status {@code AUTHORIZED} or {@code DECLINED}
 * @param instance the payments instance that asked the acquirer
 */
record PaymentAnswer(UUID id, String status, String instance) {

}
