package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.deadline.DeadlineAutoConfiguration;
import dev.hyperlane.boot.deadline.DeadlineStatistics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one binder of Hyperlane's scraped meters: it registers a feature's meters, as the feature describes them,
 * in a real registry; the features declare their meters without Micrometer on the class path, where the binder
 * backs off; {@code hyperlane.enabled=false} turns it off with the rest.
 */
class MeterSourcesAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DeadlineAutoConfiguration.class, MeterSourcesAutoConfiguration.class));

	@Test
	void registersTheMetersOfEverySourceReadWhenScraped() {
		this.runner.run((context) -> {
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(MeterSourcesBinder.class).bindTo(registry);
			context.getBean(DeadlineStatistics.class).counts().increment(DeadlineStatistics.Count.CALLS_CANCELLED);

			FunctionCounter cancelled = registry.get("hyperlane.deadline.calls")
				.tag("outcome", "cancelled")
				.functionCounter();
			assertThat(cancelled.count()).isEqualTo(1.0);
			assertThat(cancelled.getId().getDescription())
				.isEqualTo("Downstream calls cancelled when the deadline passed");
			assertThat(registry.get("hyperlane.deadline.requests").functionCounters()).hasSize(2);
			assertThat(registry.get("hyperlane.deadline.calls").functionCounters()).hasSize(2);
		});
	}

	@Test
	void featuresDescribeTheirMetersWithoutMicrometerWhereTheBinderBacksOff() {
		this.runner.withClassLoader(new FilteredClassLoader("io.micrometer.core"))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(DeadlineStatistics.class)
				.doesNotHaveBean(MeterSourcesBinder.class));
	}

	@Test
	void offWithHyperlane() {
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(MeterSourcesBinder.class));
	}

}
