package dev.hyperlane.boot.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for parsing the {@code Keep-Alive} response header.
 */
class KeepAliveEvictionTests {

	@Test
	void parsesTimeoutParameter() {
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=5")).isEqualTo(5000L);
		assertThat(KeepAliveEviction.parseTimeoutMillis("max=1000, timeout=75")).isEqualTo(75000L);
		assertThat(KeepAliveEviction.parseTimeoutMillis(" Timeout = 2 ")).isEqualTo(2000L);
	}

	@Test
	void ignoresMissingOrMalformedTimeouts() {
		assertThat(KeepAliveEviction.parseTimeoutMillis(null)).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("max=5")).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=soon")).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=-1")).isNull();
	}

}
