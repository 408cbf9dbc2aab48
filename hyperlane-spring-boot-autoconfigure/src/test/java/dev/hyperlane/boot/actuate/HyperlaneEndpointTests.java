package dev.hyperlane.boot.actuate;

import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.runtime.RuntimeAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link HyperlaneEndpoint} and its auto-configuration.
 */
class HyperlaneEndpointTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ServerAutoConfiguration.class,
				RuntimeAutoConfiguration.class, HyperlaneEndpointAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s",
				"management.endpoints.web.exposure.include=hyperlane");

	@Test
	@SuppressWarnings("unchecked")
	void showsSectionsInOrderWithAdvice() {
		this.runner.run((context) -> {
			HyperlaneEndpoint endpoint = context.getBean(HyperlaneEndpoint.class);
			Map<String, Object> all = endpoint.hyperlane();
			assertThat(all.keySet()).containsExactly("transport", "server", "runtime", "advice");
			Map<String, Object> transport = endpoint.section("transport");
			assertThat(transport).containsKeys("transport", "reason", "eventLoops", "allocator", "settings");
			Map<String, Object> allocator = (Map<String, Object>) transport.get("allocator");
			assertThat(allocator).containsEntry("type", "adaptive").containsKeys("usedDirectMemoryBytes");
			Map<String, Object> server = endpoint.section("server");
			Map<String, Object> settings = (Map<String, Object>) server.get("settings");
			assertThat((Map<String, Object>) settings.get("hyperlane.server.idle-timeout"))
				.containsEntry("value", "75s")
				.containsEntry("source", "default");
			assertThat(endpoint.section("runtime")).containsKeys("cpus", "maxDirectMemoryBytes", "garbageCollector");
			assertThat(endpoint.section("nothing")).isNull();
			assertThat(endpoint.section("advice")).containsKey("advice");
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void advisesAgainstMoreEventLoopsThanCpus() {
		int threads = Runtime.getRuntime().availableProcessors() + 1;
		this.runner.withPropertyValues("hyperlane.transport.event-loop-threads=" + threads).run((context) -> {
			List<Map<String, Object>> advice = (List<Map<String, Object>>) context.getBean(HyperlaneEndpoint.class)
				.hyperlane()
				.get("advice");
			assertThat(advice).anySatisfy((finding) -> assertThat(finding)
				.containsEntry("property", "hyperlane.transport.event-loop-threads")
				.containsEntry("section", "transport"));
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void advisesOnSocketOptionsTheTransportCannotApply() {
		this.runner.withPropertyValues("hyperlane.transport.type=nio", "hyperlane.server.socket.tcp-fast-open=16")
			.run((context) -> {
				List<Map<String, Object>> advice = (List<Map<String, Object>>) context
					.getBean(HyperlaneEndpoint.class)
					.hyperlane()
					.get("advice");
				assertThat(advice).anySatisfy((finding) -> assertThat(finding)
					.containsEntry("property", "hyperlane.server.socket.tcp-fast-open"));
			});
	}

	@Test
	void backsOffWithoutActuatorOrWhenNotExposed() {
		this.runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneEndpoint.class));
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneEndpoint.class));
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(HyperlaneEndpoint.class));
	}

}
