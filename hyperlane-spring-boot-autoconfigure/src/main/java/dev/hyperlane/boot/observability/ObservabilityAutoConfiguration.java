package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.ExchangeFilterWebClientCustomizer;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import dev.hyperlane.boot.loadbalancer.LoadBalancerAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.tracing.Tracer;
import io.netty.util.internal.PlatformDependent;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.observability.ReactorNettyTracingObservationHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.http.client.autoconfigure.reactive.ClientHttpConnectorBuilderCustomizer;
import org.springframework.boot.http.client.reactive.ReactorClientHttpConnectorBuilder;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.server.WebFilter;

/**
 * Observability with {@code hyperlane.observability.*}, on Micrometer (meters, observations) and Micrometer
 * Tracing (spans, here bridged to OpenTelemetry by the starter):
 * <ul>
 * <li>fixed latency histogram buckets on Spring's {@code http.server.requests} and {@code http.client.requests}
 * timers, the one instrumentation of each request ({@link MeterGroupSwitches});</li>
 * <li>on request ({@code hyperlane.observability.metrics.server|client=true}), Reactor Netty's own server and client
 * meters, which Spring Boot leaves off (spring-boot #19388), with the route template ({@link RouteTemplates}) or the
 * request's URI template ({@link ClientUriTemplates}) as {@code uri} tag, and a {@link UriTagCap} on its values
 * (default 100) for every {@code reactor.netty.*} meter; off by default, as a second instrumentation of every
 * request they cost 13 % of the CPU per request (benchmarks/README.md, S7);</li>
 * <li>the pool, allocator and event-loop gauges Reactor Netty and the client register, switchable per group
 * ({@link MeterGroupSwitches}), direct memory against its ceiling ({@link DirectMemoryMeters});</li>
 * <li>load-balancer meters per instance ({@link LoadBalancerMeters}) and retry meters per service
 * ({@link ClientRetryMeters});</li>
 * <li>the chosen instance on {@code WebClient} spans ({@link LoadBalancerInstanceTag}), optional connection-level
 * spans ({@link ConnectionSpans}), and the request's trace ids in the log lines of WebFlux handlers with Spring
 * Boot's default {@code spring.reactor.context-propagation=limited} ({@link ObservationScopeWebFilter});</li>
 * <li>the {@code observability} section of the {@code hyperlane} endpoint.</li>
 * </ul>
 * The per-request cost of tracing unsampled requests without a trace is cut in
 * {@link SampledTracingAutoConfiguration}.
 * Backs off with {@code hyperlane.enabled=false} or {@code hyperlane.observability.enabled=false}, or without
 * Micrometer; each bean backs off when the application defines its own.
 */
@AutoConfiguration(after = { TransportAutoConfiguration.class, ServerAutoConfiguration.class, ClientAutoConfiguration.class,
		LoadBalancerAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
				"org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration" })
@ConditionalOnClass({ MeterFilter.class, HttpServer.class })
@ConditionalOnHyperlane("observability")
@EnableConfigurationProperties(HyperlaneObservabilityProperties.class)
public final class ObservabilityAutoConfiguration {

	static final int MAX_URI_TAG_CAP = 10_000;

	@Bean
	@ConditionalOnMissingBean
	UriTagCap hyperlaneUriTagCap(HyperlaneObservabilityProperties properties) {
		int cap = properties.uriTagCap();
		if (cap < 2 || cap > MAX_URI_TAG_CAP) {
			throw new HyperlaneSettingException("hyperlane.observability.uri-tag-cap",
					"hyperlane.observability.uri-tag-cap must be from 2 to " + MAX_URI_TAG_CAP + ", was " + cap,
					"Set hyperlane.observability.uri-tag-cap to the number of routes the application has plus a"
							+ " margin (default 100).");
		}
		return new UriTagCap(cap);
	}

	@Bean
	@ConditionalOnMissingBean
	MeterGroupSwitches hyperlaneMeterGroupSwitches(HyperlaneObservabilityProperties properties) {
		return new MeterGroupSwitches(properties.metrics());
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnClass(PlatformDependent.class)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.allocator", matchIfMissing = true)
	DirectMemoryMeters hyperlaneDirectMemoryMeters() {
		return new DirectMemoryMeters();
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(TransportResources.class)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.event-loop", matchIfMissing = true)
	EventLoopMeters hyperlaneEventLoopMeters(TransportResources transport) {
		return new EventLoopMeters(transport.loopResources());
	}

	@Bean
	@ConditionalOnMissingBean
	ObservabilitySection hyperlaneObservabilitySection(HyperlaneObservabilityProperties properties, UriTagCap cap,
			ObjectProvider<RouteTemplates> routes, ObjectProvider<ConnectionSpans> connectionSpans,
			ObjectProvider<ObservationScopeWebFilter> handlerScope, ObjectProvider<ObservationMeters> meters,
			Environment environment) {
		@Nullable RouteTemplates routeTemplates = routes.getIfAvailable();
		return new ObservabilitySection(properties, cap, routeTemplates, connectionSpans.getIfAvailable() != null,
				environment, handlerScope.getIfAvailable() != null, meters.getIfAvailable());
	}

	/**
	 * The meters of Spring's observations, recorded by {@link ObservationMeters} in place of Micrometer's
	 * {@link DefaultMeterObservationHandler} (ordered before it, so Spring Boot's handler is never asked), unless
	 * the application has a meter handler of its own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ MeterObservationHandler.class, MeterRegistry.class })
	static class ObservationMetersConfiguration {

		@Bean
		@ConditionalOnMissingBean(value = MeterObservationHandler.class, ignored = DefaultMeterObservationHandler.class)
		@Order(Ordered.LOWEST_PRECEDENCE - 1)
		ObservationMeters hyperlaneObservationMeters(ObjectProvider<MeterRegistry> registry, ObjectProvider<Clock> clock,
				HyperlaneObservabilityProperties properties, Environment environment) {
			boolean longTaskTimers = properties.metrics().longTaskTimers()
					&& !ObservationMeters.longTaskTimersIgnoredByBoot(environment);
			return new ObservationMeters(
					registry.getIfAvailable(() -> new CompositeMeterRegistry(clock.getIfAvailable(() -> Clock.SYSTEM))),
					longTaskTimers);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(NettyReactiveWebServerFactory.class)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.server")
	static class ServerMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RouteTemplates hyperlaneRouteTemplates(ObjectProvider<HandlerMapping> handlerMappings, UriTagCap cap) {
			return new RouteTemplates(handlerMappings, cap);
		}

		@Bean
		@ConditionalOnMissingBean
		ObservabilityServerCustomizer hyperlaneObservabilityServerCustomizer(RouteTemplates routes) {
			return new ObservabilityServerCustomizer(routes);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ HttpClient.class, WebClient.class, WebClientCustomizer.class,
			ReactorClientHttpConnectorBuilder.class, ClientHttpConnectorBuilderCustomizer.class })
	@Conditional(ClientMetricsConfiguration.OnReactorNettyClientMeters.class)
	static class ClientMetricsConfiguration {

		/**
		 * Reactor Netty's client meters are on when asked for, or when connection-level spans are, which Reactor
		 * Netty reports through the same instrumentation.
		 */
		static final class OnReactorNettyClientMeters extends AnyNestedCondition {

			OnReactorNettyClientMeters() {
				super(ConfigurationPhase.REGISTER_BEAN);
			}

			@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.client")
			static final class Asked {

			}

			@ConditionalOnBooleanProperty(name = "hyperlane.observability.tracing.connection-spans")
			static final class ConnectionSpansOn {

			}

		}

		@Bean
		@ConditionalOnMissingBean
		ClientUriTemplates hyperlaneClientUriTemplates(UriTagCap cap) {
			return new ClientUriTemplates(cap);
		}

		@Bean
		ExchangeFilterWebClientCustomizer hyperlaneClientUriTemplatesWebClientCustomizer(
				ClientUriTemplates templates) {
			return new ExchangeFilterWebClientCustomizer(templates);
		}

		@Bean
		ClientHttpConnectorBuilderCustomizer<ReactorClientHttpConnectorBuilder> hyperlaneClientMetricsConnectorBuilderCustomizer(
				ClientUriTemplates templates) {
			return (builder) -> builder.withHttpClientCustomizer((client) -> client.metrics(true, templates));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HyperlaneClientHttpConnector.class)
	@ConditionalOnBean(HyperlaneClientHttpConnector.class)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.retries", matchIfMissing = true)
	static class RetryMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ClientRetryMeters hyperlaneClientRetryMeters(HyperlaneClientHttpConnector connector) {
			return new ClientRetryMeters(connector);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(LoadBalancerLifecycle.class)
	@ConditionalOnBean(HyperlaneLoadBalancers.class)
	static class LoadBalancerObservabilityConfiguration {

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnBooleanProperty(name = "hyperlane.observability.metrics.load-balancer", matchIfMissing = true)
		LoadBalancerMeters hyperlaneLoadBalancerMeters(HyperlaneLoadBalancers balancers) {
			return new LoadBalancerMeters(balancers);
		}

		@Bean
		@ConditionalOnMissingBean
		@ConditionalOnClass({ Observation.class, WebClient.class, WebClientCustomizer.class })
		@ConditionalOnBooleanProperty(name = "hyperlane.observability.tracing.load-balancer-instance",
				matchIfMissing = true)
		LoadBalancerInstanceTag hyperlaneLoadBalancerInstanceTag(HyperlaneLoadBalancers balancers) {
			return new LoadBalancerInstanceTag(balancers);
		}

		@Bean
		@ConditionalOnBean(LoadBalancerInstanceTag.class)
		ExchangeFilterWebClientCustomizer hyperlaneLoadBalancerInstanceTagWebClientCustomizer(
				LoadBalancerInstanceTag tag) {
			return new ExchangeFilterWebClientCustomizer(tag);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ ObservationThreadLocalAccessor.class, WebFilter.class })
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.tracing.handler-scope", matchIfMissing = true)
	@ConditionalOnProperty(name = "spring.reactor.context-propagation", havingValue = "limited", matchIfMissing = true)
	static class HandlerScopeConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ObservationScopeWebFilter hyperlaneObservationScopeWebFilter() {
			return new ObservationScopeWebFilter();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass({ Tracer.class, ReactorNettyTracingObservationHandler.class })
	@ConditionalOnBean(Tracer.class)
	@ConditionalOnBooleanProperty(name = "hyperlane.observability.tracing.connection-spans")
	static class ConnectionSpansConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConnectionSpans hyperlaneConnectionSpans(Tracer tracer) {
			return new ConnectionSpans(tracer);
		}

	}

}
