package dev.hyperlane.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a {@link HyperlaneSettingException} into a start-up failure report that names the property.
 */
class HyperlaneSettingFailureAnalyzer extends AbstractFailureAnalyzer<HyperlaneSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, HyperlaneSettingException cause) {
		return new FailureAnalysis("Invalid Hyperlane setting '" + cause.getProperty() + "': " + cause.getMessage(),
				cause.getAction(), cause);
	}

}
