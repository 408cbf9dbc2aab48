package dev.hyperlane.boot;

import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HyperlaneSettingFailureAnalyzer}.
 */
class HyperlaneSettingFailureAnalyzerTests {

	@Test
	void namesThePropertyAndTheAction() {
		HyperlaneSettingException exception = new HyperlaneSettingException("hyperlane.transport.type",
				"epoll was requested but cannot be used", "Set hyperlane.transport.type to auto.");
		FailureAnalysis analysis = new HyperlaneSettingFailureAnalyzer()
			.analyze(new IllegalStateException("wrapped", exception));
		assertThat(analysis.getDescription()).contains("hyperlane.transport.type").contains("cannot be used");
		assertThat(analysis.getAction()).isEqualTo("Set hyperlane.transport.type to auto.");
	}

}
