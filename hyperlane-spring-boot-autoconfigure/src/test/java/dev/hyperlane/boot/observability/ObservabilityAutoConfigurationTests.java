package dev.hyperlane.boot.observability;

import java.util.Map;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.SettingDescriptor;
import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import org.junit.jupiter.api.Test;
import reactor.netty.Metrics;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The observability auto-configuration's switches, validation and defaults, and the pieces that bound or deny
 * meters, on real Micrometer registries.
 */
class ObservabilityAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class, ServerAutoConfiguration.class,
				ClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
				ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class,
				ObservabilityAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");

	@Test
	void oneInstrumentationPerRequestByDefault() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(UriTagCap.class)
				.doesNotHaveBean(RouteTemplates.class)
				.doesNotHaveBean(ObservabilityServerCustomizer.class)
				.doesNotHaveBean(ClientUriTemplates.class)
				.hasSingleBean(ObservationScopeWebFilter.class)
				.hasSingleBean(ClientRetryMeters.class)
				.hasSingleBean(DirectMemoryMeters.class)
				.hasSingleBean(ObservabilitySection.class)
				.doesNotHaveBean(ConnectionSpans.class);
			assertThat(context.getBean(UriTagCap.class).cap()).isEqualTo(100);
			@SuppressWarnings("unchecked")
			Map<String, Object> metrics = (Map<String, Object>) context.getBean(ObservabilitySection.class)
				.describe()
				.get("metrics");
			assertThat(metrics).containsEntry("server", false).containsEntry("client", false)
				.containsEntry("pools", true);
			@SuppressWarnings("unchecked")
			Map<String, Object> tracing = (Map<String, Object>) context.getBean(ObservabilitySection.class)
				.describe()
				.get("tracing");
			assertThat(tracing).containsEntry("contextPropagation", "limited").containsEntry("handlerScope", true);
		});
	}

	@Test
	void reactorNettyMetersCanBeTurnedOn() {
		this.runner
			.withPropertyValues("hyperlane.observability.metrics.server=true",
					"hyperlane.observability.metrics.client=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(RouteTemplates.class)
					.hasSingleBean(ObservabilityServerCustomizer.class)
					.hasSingleBean(ClientUriTemplates.class);
				@SuppressWarnings("unchecked")
				Map<String, SettingDescriptor> settings = (Map<String, SettingDescriptor>) context
					.getBean(ObservabilitySection.class)
					.describe()
					.get("settings");
				assertThat(settings.get("hyperlane.observability.metrics.server"))
					.isEqualTo(new SettingDescriptor("true", "property", "set by hyperlane.observability.metrics.server"));
				assertThat(settings.get("hyperlane.observability.metrics.pools").source()).isEqualTo("default");
				assertThat(settings.get("hyperlane.observability.uri-tag-cap").value()).isEqualTo("100");
			});
	}

	@Test
	void handlerScopeStepsAsideForAutomaticContextPropagationAndCanBeSwitchedOff() {
		this.runner.withPropertyValues("spring.reactor.context-propagation=auto")
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationScopeWebFilter.class));
		this.runner.withPropertyValues("hyperlane.observability.tracing.handler-scope=false")
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationScopeWebFilter.class));
		this.runner.withPropertyValues("spring.reactor.context-propagation=limited")
			.run((context) -> assertThat(context).hasSingleBean(ObservationScopeWebFilter.class));
	}

	@Test
	void backsOffWhenSwitchedOff() {
		this.runner.withPropertyValues("hyperlane.observability.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(UriTagCap.class)
				.doesNotHaveBean(ObservationScopeWebFilter.class)
				.doesNotHaveBean(ObservabilitySection.class));
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(UriTagCap.class)
				.doesNotHaveBean(ObservationScopeWebFilter.class));
	}

	@Test
	void observationMetersWithLongTaskTimersAsBootUnlessSwitchedOffOrTheApplicationHasItsOwnHandler() {
		this.runner.run((context) -> {
			assertThat(context.getBean(ObservationMeters.class).longTaskTimers()).isTrue();
			assertThat(context.getBean(ObservabilitySection.class).changedBootDefaults()).isEmpty();
		});
		this.runner.withPropertyValues("hyperlane.observability.metrics.long-task-timers=false")
			.run((context) -> assertThat(context.getBean(ObservationMeters.class).longTaskTimers()).isFalse());
		// Boot's own switch wins
		this.runner.withPropertyValues("management.metrics.observations.ignored-meters=long-task-timer")
			.run((context) -> assertThat(context.getBean(ObservationMeters.class).longTaskTimers()).isFalse());
		this.runner
			.withBean("applicationMeterHandler", MeterObservationHandler.class,
					() -> new MeterObservationHandler<Observation.Context>() {
					})
			.run((context) -> assertThat(context).doesNotHaveBean(ObservationMeters.class));
	}

	@Test
	void eachGroupCanBeSwitchedOff() {
		this.runner
			.withPropertyValues("hyperlane.observability.metrics.retries=false",
					"hyperlane.observability.metrics.allocator=false")
			.run((context) -> assertThat(context).hasSingleBean(UriTagCap.class)
				.doesNotHaveBean(ClientRetryMeters.class)
				.doesNotHaveBean(DirectMemoryMeters.class));
	}

	@Test
	void aCapOutOfRangeStopsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("hyperlane.observability.uri-tag-cap=1").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.observability.uri-tag-cap");
		});
	}

	@Test
	void connectionSpansInstallTheirRegistryInReactorNettyAndRestoreThePreviousOnClose() {
		ObservationRegistry before = Metrics.OBSERVATION_REGISTRY;
		this.runner.withBean(Tracer.class, () -> Tracer.NOOP)
			.withPropertyValues("hyperlane.observability.tracing.connection-spans=true")
			.run((context) -> {
				assertThat(context).hasSingleBean(ConnectionSpans.class);
				assertThat(Metrics.OBSERVATION_REGISTRY).isSameAs(context.getBean(ConnectionSpans.class).registry());
				@SuppressWarnings("unchecked")
				Map<String, Object> tracing = (Map<String, Object>) context.getBean(ObservabilitySection.class)
					.describe()
					.get("tracing");
				assertThat(tracing).containsEntry("connectionSpans", true);
			});
		assertThat(Metrics.OBSERVATION_REGISTRY).isSameAs(before);
	}

	@Test
	void tenThousandDistinctUriValuesKeepAtMostTheCap() {
		MeterRegistry registry = new SimpleMeterRegistry();
		UriTagCap cap = new UriTagCap(100);
		registry.config().meterFilter(cap);
		for (int i = 0; i < 10_000; i++) {
			registry.counter("reactor.netty.http.server.errors", "uri", "/items/" + i).increment();
			registry.counter("other.requests", "uri", "/items/" + i).increment();
		}
		assertThat(registry.find("reactor.netty.http.server.errors").counters()).hasSize(100);
		assertThat(registry.get("reactor.netty.http.server.errors").tag("uri", UriTagCap.OVERFLOW).counter().count())
			.isEqualTo(10_000 - 99);
		assertThat(registry.find("other.requests").counters()).hasSize(10_000);
		assertThat(cap.distinctValues()).containsEntry("reactor.netty.http.server", 100);
	}

	@Test
	void switchedOffGroupsAreDeniedAndResponseTimersGetLatencyBuckets() {
		HyperlaneObservabilityProperties.Metrics metrics = new Binder(
				new MapConfigurationPropertySource(Map.of("hyperlane.observability.metrics.pools", "false")))
			.bindOrCreate("hyperlane.observability", HyperlaneObservabilityProperties.class)
			.metrics();
		MeterRegistry registry = new SimpleMeterRegistry();
		registry.config().meterFilter(new MeterGroupSwitches(metrics));
		Gauge.builder("reactor.netty.connection.provider.active.connections", () -> 1).register(registry);
		Gauge.builder("reactor.netty.eventloop.pending.tasks", () -> 1).register(registry);
		assertThat(registry.find("reactor.netty.connection.provider.active.connections").gauge()).isNull();
		assertThat(registry.find("reactor.netty.eventloop.pending.tasks").gauge()).isNotNull();
		Timer timer = registry.timer("reactor.netty.http.server.response.time", "uri", "/items/{id}");
		assertThat(timer.takeSnapshot().histogramCounts()).hasSize(11);
		assertThat(registry.timer("http.server.requests", "uri", "/items/{id}").takeSnapshot().histogramCounts())
			.hasSize(11);
		assertThat(registry.timer("http.client.requests", "uri", "/pay/{id}").takeSnapshot().histogramCounts())
			.hasSize(11);
		assertThat(registry.timer("reactor.netty.http.server.data.sent.time").takeSnapshot().histogramCounts())
			.isEmpty();
	}

	@Test
	void clientTagsAreTheTemplatesPath() {
		assertThat(ClientUriTemplates.templatePath("http://payments/pay/{id}?debug={d}")).isEqualTo("/pay/{id}");
		assertThat(ClientUriTemplates.templatePath("https://example.org")).isEqualTo("/");
		assertThat(ClientUriTemplates.templatePath("/items/{id}")).isEqualTo("/items/{id}");
		assertThat(new ClientUriTemplates(new UriTagCap(10)).apply("/never/seen")).isEqualTo(ClientUriTemplates.NONE);
	}

}
