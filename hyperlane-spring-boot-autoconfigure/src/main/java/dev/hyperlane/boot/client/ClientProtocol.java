package dev.hyperlane.boot.client;

/**
 * HTTP protocol a client speaks to a downstream service.
 */
public enum ClientProtocol {

	/** HTTP/1.1, one request at a time per connection. */
	HTTP11,

	/** HTTP/2 over cleartext with prior knowledge (the peer must accept h2c without an upgrade). */
	H2C,

	/** HTTP/2 over TLS, negotiated with ALPN (requires an https URL). */
	H2

}
