package dev.hyperlane.samples.payments.payment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of {@code POST /payments}.
 *
 * @param amount the amount, positive, at most two decimals and 99,999,999.99
 * @param currency the ISO 4217 code, three capital letters
 * @param orderReference the caller's order, at most 100 characters
 */
public record PaymentRequest(@NotNull @DecimalMin("0.01") @DecimalMax("99999999.99") @Digits(integer = 8,
		fraction = 2) BigDecimal amount, @NotNull @Pattern(regexp = "[A-Z]{3}") String currency,
		@NotBlank @Size(max = 100) String orderReference) {

	/**
	 * A SHA-256 of the request's meaning (amount to two decimals, currency, order): a key sent again with another
	 * request is refused rather than answered with the first request's payment.
	 * @return 64 hexadecimal characters
	 */
	public String fingerprint() {
		String canonical = this.amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString() + "|" + this.currency
				+ "|" + this.orderReference;
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
