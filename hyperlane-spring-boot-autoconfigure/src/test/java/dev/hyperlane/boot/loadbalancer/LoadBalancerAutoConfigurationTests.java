package dev.hyperlane.boot.loadbalancer;

import dev.hyperlane.boot.HyperlaneSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LoadBalancerAutoConfiguration}: beans, property mapping, bad settings and back-off.
 */
class LoadBalancerAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class));

	@Test
	void strategiesPerService() {
		this.runner.withPropertyValues("hyperlane.loadbalancer.services.payments.strategy=least-request").run((context) -> {
			HyperlaneLoadBalancers balancers = context.getBean(HyperlaneLoadBalancers.class);
			assertThat(balancers.service("payments").strategy()).isEqualTo(LoadBalancingStrategy.LEAST_REQUEST);
			assertThat(balancers.service("catalog").strategy()).isEqualTo(LoadBalancingStrategy.PEAK_EWMA);
			assertThat(context).hasSingleBean(HyperlaneLoadBalancerLifecycle.class)
				.hasSingleBean(LoadBalancerSection.class);
		});
	}

	@Test
	void badSettingsFailStartWithThePropertyName() {
		this.runner.withPropertyValues("hyperlane.loadbalancer.ejection.consecutive-failures=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.loadbalancer.ejection"));
		this.runner.withPropertyValues("hyperlane.loadbalancer.slow-start.aggression=0")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("hyperlane.loadbalancer.slow-start"));
	}

	@Test
	void outOfRangeSettingNamesItsPropertyAndRangeNotJavaFields() {
		this.runner.withPropertyValues("hyperlane.loadbalancer.ejection.max-percent=150")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(HyperlaneSettingException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo("hyperlane.loadbalancer.ejection.max-percent");
					assertThat(ex.getMessage()).contains("150").doesNotContain("maxEjectionPercent");
					assertThat(ex.getAction()).isEqualTo("Set hyperlane.loadbalancer.ejection.max-percent to 0 to 100.");
				}));
	}

	@Test
	void backsOff() {
		this.runner.withPropertyValues("hyperlane.loadbalancer.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneLoadBalancers.class));
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneLoadBalancers.class));
		this.runner.withClassLoader(new FilteredClassLoader(ReactorServiceInstanceLoadBalancer.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneLoadBalancers.class));
	}

}
