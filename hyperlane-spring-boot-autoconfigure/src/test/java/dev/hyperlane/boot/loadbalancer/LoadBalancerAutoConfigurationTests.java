package dev.hyperlane.boot.loadbalancer;

import java.util.Map;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingDescriptor;
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
	void settingsOfEachServiceShowValueSourceAndReason() {
		this.runner
			.withPropertyValues("hyperlane.loadbalancer.services.payments.strategy=least-request",
					"hyperlane.loadbalancer.services.payments.hedging.delay=40ms",
					"hyperlane.loadbalancer.ejection.base-time=10s")
			.run((context) -> {
				HyperlaneLoadBalancers balancers = context.getBean(HyperlaneLoadBalancers.class);
				balancers.service("payments");
				balancers.service("catalog");
				Map<String, Object> section = context.getBean(LoadBalancerSection.class).describe();
				Map<String, SettingDescriptor> payments = settings(section, "payments");
				assertThat(payments.get("hyperlane.loadbalancer.services.payments.strategy"))
					.isEqualTo(new SettingDescriptor("LEAST_REQUEST", "property",
							"set by hyperlane.loadbalancer.services.payments.strategy"));
				assertThat(payments.get("hyperlane.loadbalancer.services.payments.hedging.delay").value())
					.isEqualTo("40ms");
				assertThat(payments).doesNotContainKeys("hyperlane.loadbalancer.strategy",
						"hyperlane.loadbalancer.hedging.delay");
				assertThat(payments.get("hyperlane.loadbalancer.ejection.base-time"))
					.isEqualTo(new SettingDescriptor("10s", "property", "set by hyperlane.loadbalancer.ejection.base-time"));
				Map<String, SettingDescriptor> catalog = settings(section, "catalog");
				assertThat(catalog.get("hyperlane.loadbalancer.strategy").value()).isEqualTo("PEAK_EWMA");
				assertThat(catalog.get("hyperlane.loadbalancer.strategy").source()).isEqualTo("default");
				assertThat(catalog.get("hyperlane.loadbalancer.hedging.delay").value()).isEqualTo("unset");
				assertThat(catalog.keySet()).hasSize(LoadBalancerSettings.SETTINGS.size())
					.allMatch((property) -> property.startsWith("hyperlane.loadbalancer."));
			});
	}

	@Test
	void outOfRangeServiceAndHedgingSettingsFailStart() {
		failsStartNaming("hyperlane.loadbalancer.services.payments.hedging.delay=0s",
				"hyperlane.loadbalancer.services.payments.hedging.delay", "a positive duration");
		failsStartNaming("hyperlane.loadbalancer.hedging.budget-percent=101",
				"hyperlane.loadbalancer.hedging.budget-percent", "0 to 100");
		failsStartNaming("hyperlane.loadbalancer.retry.status-codes=500,700", "hyperlane.loadbalancer.retry.status-codes",
				"status codes from 100 to 599");
		failsStartNaming("hyperlane.loadbalancer.ejection.max-time=5s", "hyperlane.loadbalancer.ejection.max-time",
				"hyperlane.loadbalancer.ejection.base-time (30s) or more");
	}

	private void failsStartNaming(String setting, String property, String allowed) {
		this.runner.withPropertyValues(setting)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOfSatisfying(HyperlaneSettingException.class, (ex) -> {
					assertThat(ex.getProperty()).isEqualTo(property);
					assertThat(ex.getAction()).startsWith("Set " + property + " to " + allowed);
				}));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, SettingDescriptor> settings(Map<String, Object> section, String service) {
		return (Map<String, SettingDescriptor>) ((Map<String, Object>) section.get(service)).get("settings");
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
