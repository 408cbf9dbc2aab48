package dev.hyperlane.boot;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.loadbalancer.LoadBalancerAutoConfiguration;
import dev.hyperlane.boot.observability.ObservabilityAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up line lists every Spring Boot default the starter changed, each with its property, and only those; a
 * switch set at run time under Spring AOT is reported as ignored.
 */
@ExtendWith(OutputCaptureExtension.class)
class HyperlaneStartupReportTests {

	private static final String LINE = "Hyperlane changes Spring Boot's defaults";

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ServerAutoConfiguration.class,
				ClientAutoConfiguration.class, LoadBalancerAutoConfiguration.class,
				ObservabilityAutoConfiguration.class, HyperlaneStartupAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");

	@Test
	void oneLineNamesEveryChangedDefaultWithItsProperty(CapturedOutput output) {
		this.runner.run((context) -> {
			assertThat(context).hasNotFailed();
			List<String> lines = output.getOut().lines().filter((line) -> line.contains(LINE)).toList();
			assertThat(lines).hasSize(1);
			assertThat(lines.get(0)).contains("INFO", "hyperlane.server.compression.enabled=true",
					"hyperlane.server.max-header-size=16384B", "hyperlane.server.max-in-memory-size=1048576B",
					"hyperlane.server.idle-timeout=75s", "hyperlane.server.request-header-timeout=20s",
					"hyperlane.server.socket.keep-alive=true", "hyperlane.client.defaults.connect-timeout=3s",
					"hyperlane.client.defaults.response-timeout=10s", "hyperlane.client.defaults.retry.enabled=true",
					"hyperlane.client.defaults.compression=true", "hyperlane.loadbalancer.strategy=peak-ewma",
					"hyperlane.loadbalancer.retry.max-retries=1");
			// Reactor Netty's request meters are off by default and the observations' long task timers on, as in
			// Boot, and context propagation is Boot's
			assertThat(lines.get(0)).doesNotContain("hyperlane.observability.metrics",
					"spring.reactor.context-propagation");
		});
	}

	@Test
	void valuesTheApplicationSetBackOrLeftToBootAreNotListed(CapturedOutput output) {
		this.runner
			.withPropertyValues("hyperlane.server.compression.enabled=false", "server.netty.idle-timeout=30s",
					"hyperlane.loadbalancer.strategy=round-robin", "hyperlane.client.defaults.retry.enabled=false")
			.run((context) -> {
				String line = output.getOut().lines().filter((candidate) -> candidate.contains(LINE)).findFirst()
					.orElseThrow();
				assertThat(line).contains("hyperlane.server.max-header-size=16384B")
					.doesNotContain("compression.enabled", "idle-timeout", "hyperlane.loadbalancer.strategy",
							"retry.enabled");
			});
	}

	@Test
	void switchedOffThereIsNoLine(CapturedOutput output) {
		this.runner.withPropertyValues("hyperlane.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(HyperlaneStartupReport.class);
			assertThat(output).doesNotContain(LINE);
		});
	}

	@Test
	void switchesSetAtRunTimeUnderAotAreNamed() {
		HyperlaneSection server = new HyperlaneSection() {

			@Override
			public String name() {
				return "server";
			}

			@Override
			public Map<String, Object> describe() {
				return Map.of();
			}

		};
		assertThat(report(new MockEnvironment().withProperty("hyperlane.enabled", "false")).ignoredSwitches(List.of()))
			.isEqualTo("hyperlane.enabled=false is");
		MockEnvironment concernOff = new MockEnvironment().withProperty("hyperlane.server.enabled", "false")
			.withProperty("hyperlane.client.enabled", "false");
		assertThat(report(concernOff).ignoredSwitches(List.of(server))).isEqualTo("hyperlane.server.enabled=false is");
		assertThat(report(concernOff).ignoredSwitches(List.of())).isEmpty();
		assertThat(report(new MockEnvironment()).ignoredSwitches(List.of(server))).isEmpty();
	}

	private static HyperlaneStartupReport report(MockEnvironment environment) {
		return new HyperlaneStartupReport(new StaticListableBeanFactory().getBeanProvider(HyperlaneSection.class),
				environment);
	}

}
