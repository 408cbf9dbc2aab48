package dev.hyperlane.samples.payments.acquirer;

/**
 * The acquirer could not be asked (a technical failure, not a decline): nothing was authorized.
 */
public class AcquirerUnavailableException extends RuntimeException {

	public AcquirerUnavailableException(String message) {
		super(message);
	}

}
