package dev.hyperlane.boot.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionChange;
import dev.hyperlane.boot.SettingDescriptor;
import dev.hyperlane.boot.runtime.RuntimeAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

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
			HyperlaneDescriptor all = endpoint.hyperlane();
			assertThat(all.sections().keySet()).containsExactly("transport", "server", "runtime");
			assertThat(all.json().keySet()).containsExactly("transport", "server", "runtime", "advice");
			Map<String, Object> transport = endpoint.section("transport");
			assertThat(transport).containsKeys("transport", "reason", "eventLoops", "allocator", "settings");
			Map<String, Object> allocator = (Map<String, Object>) transport.get("allocator");
			assertThat(allocator).containsEntry("type", "adaptive").containsKeys("usedDirectMemoryBytes");
			Map<String, Object> server = endpoint.section("server");
			Map<String, SettingDescriptor> settings = (Map<String, SettingDescriptor>) server.get("settings");
			assertThat(settings.get("hyperlane.server.idle-timeout").value()).isEqualTo("75s");
			assertThat(settings.get("hyperlane.server.idle-timeout").source()).isEqualTo("default");
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
			List<AdviceDescriptor> advice = context.getBean(HyperlaneEndpoint.class).hyperlane().advice();
			assertThat(advice).anySatisfy((finding) -> {
				assertThat(finding.property()).isEqualTo("hyperlane.transport.event-loop-threads");
				assertThat(finding.section()).isEqualTo("transport");
			});
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void advisesOnSocketOptionsTheTransportCannotApply() {
		this.runner.withPropertyValues("hyperlane.transport.type=nio", "hyperlane.server.socket.tcp-fast-open=16")
			.run((context) -> {
				List<AdviceDescriptor> advice = context.getBean(HyperlaneEndpoint.class).hyperlane().advice();
				assertThat(advice).extracting(AdviceDescriptor::property)
					.contains("hyperlane.server.socket.tcp-fast-open");
			});
	}

	@Test
	void showsClientsAndLoadBalancersBeforeRuntime() {
		List<HyperlaneSection> sections = new ArrayList<>();
		for (String name : List.of("runtime", "observability", "loadbalancers", "clients", "server", "transport",
				"zz-later")) {
			sections.add(new NamedSection(name));
		}
		assertThat(new HyperlaneEndpoint(sections).hyperlane().sections().keySet()).containsExactly("transport",
				"server", "clients", "loadbalancers", "runtime", "observability", "zz-later");
	}

	@Test
	void writesOneFlatJsonObjectWithTheAdviceLast() {
		HyperlaneEndpoint endpoint = new HyperlaneEndpoint(List.of(new NamedSection("runtime"),
				new NamedSection("transport")));
		String json = JsonMapper.builder().build().writeValueAsString(endpoint.hyperlane());
		assertThat(json).isEqualTo("{\"transport\":{\"name\":\"transport\"},\"runtime\":{\"name\":\"runtime\"},"
				+ "\"advice\":[{\"section\":\"transport\",\"level\":\"info\",\"finding\":\"found in transport\","
				+ "\"property\":\"hyperlane.transport\",\"suggestion\":\"none\"},{\"section\":\"runtime\","
				+ "\"level\":\"info\",\"finding\":\"found in runtime\",\"property\":\"hyperlane.runtime\","
				+ "\"suggestion\":\"none\"}]}");
	}

	@Test
	void passesTypedChangesAndAnswers400WhenRefused() {
		List<SectionChange> received = new ArrayList<>();
		HyperlaneSection section = new NamedSection("loadbalancers") {
			@Override
			public Map<String, Object> change(SectionChange change) {
				received.add(change);
				return Map.of("instance", change.requireInstance());
			}
		};
		HyperlaneEndpoint endpoint = new HyperlaneEndpoint(List.of(section));
		assertThat(endpoint.change("loadbalancers", "drain", " payments ", "10.0.0.7:8080", " "))
			.containsEntry("instance", "10.0.0.7:8080");
		assertThat(received).containsExactly(new SectionChange("drain", "payments", "10.0.0.7:8080", null));
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.change("loadbalancers", "drain", "payments", null, null))
			.withMessageContaining("Missing 'instance'");
		assertThat(endpoint.change("nothing", "drain", null, null, null)).isNull();
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

	private static class NamedSection implements HyperlaneSection {

		private final String name;

		NamedSection(String name) {
			this.name = name;
		}

		@Override
		public String name() {
			return this.name;
		}

		@Override
		public Map<String, Object> describe() {
			return Map.of("name", this.name);
		}

		@Override
		public List<Advice> advice() {
			return List.of(Advice.info("found in " + this.name, "hyperlane." + this.name, "none"));
		}

	}

}
