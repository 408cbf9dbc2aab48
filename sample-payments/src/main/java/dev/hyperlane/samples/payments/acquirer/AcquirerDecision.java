package dev.hyperlane.samples.payments.acquirer;

import org.jspecify.annotations.Nullable;

/**
 * What the acquirer answered.
 *
 * @param approved whether the payment was authorized
 * @param authorizationCode the code of an approved payment, else {@code null}
 * @param declineReason why a payment was declined, else {@code null}
 */
public record AcquirerDecision(boolean approved, @Nullable String authorizationCode,
		@Nullable String declineReason) {

}
