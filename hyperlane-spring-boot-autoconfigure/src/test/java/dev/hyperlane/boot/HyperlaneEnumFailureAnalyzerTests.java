package dev.hyperlane.boot;

import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/**
 * A {@code hyperlane.*} enum property with a value it does not have fails start-up with a report that lists the
 * values as the documentation writes them, not the Java constants.
 */
@ExtendWith(OutputCaptureExtension.class)
class HyperlaneEnumFailureAnalyzerTests {

	@Test
	void reportListsTheDocumentedValues(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("hyperlane.transport.type=uring")
			.run()
			.close());
		assertThat(output).contains("Invalid Hyperlane setting 'hyperlane.transport.type': value 'uring' is not allowed")
			.contains("Set hyperlane.transport.type to one of: auto, io-uring, epoll, nio.")
			.doesNotContain("IO_URING");
	}

	@Test
	void otherBindingFailuresAreLeftToSpringBoot(CapturedOutput output) {
		assertThatException().isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("hyperlane.transport.event-loop-threads=many")
			.run()
			.close());
		assertThat(output).contains("hyperlane.transport.event-loop-threads").doesNotContain("Invalid Hyperlane setting");
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(TransportAutoConfiguration.class)
	static class App {

	}

}
