package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.deadline.DeadlineAutoConfiguration;
import dev.hyperlane.boot.deadline.DeadlineStatistics;
import dev.hyperlane.boot.loadbalancer.HyperlaneLoadBalancers;
import dev.hyperlane.boot.loadbalancer.LoadBalancerAutoConfiguration;
import dev.hyperlane.boot.loadbalancer.ServiceBalancer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one binder of Hyperlane's scraped meters: it registers a feature's meters, as the feature describes them,
 * in a real registry, and follows a feature's changes (the load balancer's instances that come and go); the
 * features declare their meters without Micrometer on the class path, where the binder backs off;
 * {@code hyperlane.enabled=false} turns it off with the rest.
 */
class MeterSourcesAutoConfigurationTests {

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(DeadlineAutoConfiguration.class, MeterSourcesAutoConfiguration.class));

	private final ReactiveWebApplicationContextRunner loadBalancerRunner = this.runner
		.withConfiguration(AutoConfigurations.of(LoadBalancerAutoConfiguration.class))
		.withUserConfiguration(LoadBalancerMetersConfiguration.class);

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
	void registersTheMetersOfAnInstanceListedAndRemovesThoseOfAnInstanceThatLeft() {
		this.loadBalancerRunner.run((context) -> {
			ServiceBalancer payments = context.getBean(HyperlaneLoadBalancers.class).service("payments");
			payments.retainListed(List.of(instance(8081)));
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(MeterSourcesBinder.class).bindTo(registry);
			assertThat(instanceMeters(registry)).hasSize(6);
			payments.retainListed(List.of(instance(8081), instance(8082)));
			assertThat(instanceMeters(registry)).hasSize(12);
			payments.started(instance(8082));
			Gauge inFlight = registry.get("hyperlane.loadbalancer.instance.in.flight")
				.tags("service", "payments", "address", "127.0.0.1:8082")
				.gauge();
			assertThat(inFlight.value()).isEqualTo(1.0);
			assertThat(inFlight.getId().getDescription()).isEqualTo("Requests in flight on the instance");
			assertThat(registry.get("hyperlane.loadbalancer.instance.latency").gauges())
				.allSatisfy((latency) -> assertThat(latency.getId().getBaseUnit()).isEqualTo("seconds"));

			payments.retainListed(List.of(instance(8081)));
			assertThat(instanceMeters(registry)).hasSize(6)
				.allSatisfy((meter) -> assertThat(meter.getId().getTag("address")).isEqualTo("127.0.0.1:8081"));
			payments.retainListed(List.of(instance(8081), instance(8082)));
			assertThat(instanceMeters(registry)).hasSize(12);
		});
	}

	@Test
	void metersAtMostAHundredInstancesOfAServiceAndGivesAFreedPlaceToTheNextToArrive() {
		this.loadBalancerRunner.run((context) -> {
			ServiceBalancer payments = context.getBean(HyperlaneLoadBalancers.class).service("payments");
			List<ServiceInstance> listed = new ArrayList<>();
			for (int port = 1; port <= 150; port++) {
				listed.add(instance(port));
			}
			payments.retainListed(listed);
			MeterRegistry registry = new SimpleMeterRegistry();
			context.getBean(MeterSourcesBinder.class).bindTo(registry);
			assertThat(instanceMeters(registry)).hasSize(600);
			listed.add(instance(151));
			payments.retainListed(listed);
			assertThat(instanceMeters(registry)).hasSize(600).noneMatch((meter) -> address(meter).endsWith(":151"));
			listed.remove(0);
			payments.retainListed(listed);
			listed.add(instance(152));
			payments.retainListed(listed);
			assertThat(instanceMeters(registry)).hasSize(600)
				.noneMatch((meter) -> address(meter).endsWith(":1"))
				.anyMatch((meter) -> address(meter).endsWith(":152"));
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

	private static List<Meter> instanceMeters(MeterRegistry registry) {
		return registry.getMeters()
			.stream()
			.filter((meter) -> meter.getId().getName().startsWith("hyperlane.loadbalancer.instance."))
			.toList();
	}

	private static String address(Meter meter) {
		return meter.getId().getTag("address");
	}

	private static ServiceInstance instance(int port) {
		return new DefaultServiceInstance("payments-" + port, "payments", "127.0.0.1", port, false);
	}

	@Configuration(proxyBeanMethods = false)
	static class LoadBalancerMetersConfiguration {

		@Bean
		LoadBalancerMeters loadBalancerMeters(HyperlaneLoadBalancers balancers) {
			return new LoadBalancerMeters(balancers);
		}

	}

}
