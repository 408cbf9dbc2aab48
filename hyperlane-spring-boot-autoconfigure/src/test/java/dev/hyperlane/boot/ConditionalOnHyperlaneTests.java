package dev.hyperlane.boot;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport;
import org.springframework.boot.autoconfigure.condition.ConditionEvaluationReport.ConditionAndOutcomes;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ConditionalOnHyperlane} decides as the two {@code @ConditionalOnBooleanProperty(matchIfMissing = true)}
 * it stands for, whatever the switches say: not set, {@code true} or {@code false} in any case, empty, or a value
 * that is not a boolean.
 */
class ConditionalOnHyperlaneTests {

	private static final String[] VALUES = { null, "true", "TRUE", "false", "False", "", "yes", "0" };

	@Test
	void theConcernSwitchDecidesAsTwoBooleanPropertyConditions() {
		for (String master : VALUES) {
			for (String concern : VALUES) {
				List<String> properties = new ArrayList<>();
				if (master != null) {
					properties.add("hyperlane.enabled=" + master);
				}
				if (concern != null) {
					properties.add("hyperlane.server.enabled=" + concern);
				}
				new ApplicationContextRunner()
					.withUserConfiguration(WithAnnotation.class, WithBootConditions.class)
					.withPropertyValues(properties.toArray(String[]::new))
					.run((context) -> assertThat(context.containsBean("composed"))
						.as("hyperlane.enabled=%s, hyperlane.server.enabled=%s", master, concern)
						.isEqualTo(context.containsBean("boot")));
			}
		}
	}

	@Test
	void withoutAConcernOnlyTheMasterSwitchCounts() {
		ApplicationContextRunner runner = new ApplicationContextRunner().withUserConfiguration(MasterOnly.class);
		runner.withPropertyValues("hyperlane.server.enabled=false")
			.run((context) -> assertThat(context).hasBean("master"));
		runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean("master"));
	}

	@Test
	void theEvaluationReportNamesTheSwitchThatIsOff() {
		new ApplicationContextRunner().withUserConfiguration(WithAnnotation.class)
			.withPropertyValues("hyperlane.server.enabled=no")
			.run((context) -> {
				ConditionAndOutcomes outcomes = ConditionEvaluationReport.get(context.getBeanFactory())
					.getConditionAndOutcomesBySource()
					.get(WithAnnotation.class.getName() + "#composed");
				assertThat(outcomes).isNotNull();
				assertThat(outcomes.isFullMatch()).isFalse();
				assertThat(outcomes).singleElement()
					.satisfies((outcome) -> assertThat(outcome.getOutcome().getMessage())
						.startsWith("@ConditionalOnHyperlane (server)")
						.contains("hyperlane.server.enabled is 'no'"));
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class WithAnnotation {

		@Bean
		@ConditionalOnHyperlane("server")
		String composed() {
			return "composed";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class WithBootConditions {

		@Bean
		@ConditionalOnBooleanProperty(name = "hyperlane.enabled", matchIfMissing = true)
		@ConditionalOnBooleanProperty(name = "hyperlane.server.enabled", matchIfMissing = true)
		String boot() {
			return "boot";
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class MasterOnly {

		@Bean
		@ConditionalOnHyperlane
		String master() {
			return "master";
		}

	}

}
