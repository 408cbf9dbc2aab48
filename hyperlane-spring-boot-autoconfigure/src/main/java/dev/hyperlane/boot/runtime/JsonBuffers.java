package dev.hyperlane.boot.runtime;

/**
 * Present as a bean when {@link JsonBuffersAutoConfiguration} built Spring Boot's {@code JsonMapper.Builder} on
 * Jackson's per-thread buffer pool (not when the switch is off or the application declared its own builder). The
 * {@code runtime} section reads it to list the change among the departures from Spring Boot's behaviour, at start-up
 * and in the endpoint.
 */
public final class JsonBuffers {

	/** The property that switches the per-thread buffers off. */
	public static final String PROPERTY = "hyperlane.jackson.thread-local-buffers";

	JsonBuffers() {
	}

}
