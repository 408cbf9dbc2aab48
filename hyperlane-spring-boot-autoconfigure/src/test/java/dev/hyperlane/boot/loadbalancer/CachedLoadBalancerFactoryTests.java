package dev.hyperlane.boot.loadbalancer;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.LoadBalancerProperties;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The factory the exchange filter asks on every call, over Spring Cloud's real {@link LoadBalancerClientFactory}
 * and its per-service child context: the service's balancer and lifecycle beans are looked up once per service and
 * are the ones Spring Cloud finds; the properties are read from Spring Cloud every time.
 */
class CachedLoadBalancerFactoryTests {

	@Test
	void looksTheBalancerAndTheLifecycleBeansUpOncePerService() {
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(LoadBalancedApp.class)
			.web(WebApplicationType.NONE)
			.properties("spring.reactor.netty.shutdown-quiet-period=0s",
					"spring.cloud.discovery.client.simple.instances.payments[0].uri=http://127.0.0.1:9")
			.run()) {
			Counting spring = new Counting(context.getBean(LoadBalancerClientFactory.class));
			CachedLoadBalancerFactory cached = new CachedLoadBalancerFactory(spring);
			for (int i = 0; i < 3; i++) {
				assertThat(cached.getInstance("payments")).isInstanceOf(HyperlaneLoadBalancer.class);
				assertThat(cached.getInstances("payments", LoadBalancerLifecycle.class).values())
					.hasAtLeastOneElementOfType(HyperlaneLoadBalancerLifecycle.class);
				assertThat(cached.getProperties("payments")).isNotNull();
			}
			assertThat(cached.getInstance("payments")).isSameAs(spring.getInstance("payments"));
			assertThat(spring.balancers.get()).isEqualTo(2);
			assertThat(spring.lifecycles.get()).isEqualTo(1);
			assertThat(spring.properties.get()).isEqualTo(3);
			// another service has its own
			assertThat(cached.getInstances("orders", LoadBalancerLifecycle.class)).isNotEmpty();
			assertThat(spring.lifecycles.get()).isEqualTo(2);
		}
	}

	/**
	 * Spring Cloud's factory, counting the look-ups that reach it.
	 */
	private static final class Counting implements ReactiveLoadBalancer.Factory<ServiceInstance> {

		private final LoadBalancerClientFactory factory;

		final AtomicInteger balancers = new AtomicInteger();

		final AtomicInteger lifecycles = new AtomicInteger();

		final AtomicInteger properties = new AtomicInteger();

		Counting(LoadBalancerClientFactory factory) {
			this.factory = factory;
		}

		@Override
		public ReactiveLoadBalancer<ServiceInstance> getInstance(String serviceId) {
			this.balancers.incrementAndGet();
			return this.factory.getInstance(serviceId);
		}

		@Override
		public <X> Map<String, X> getInstances(String name, Class<X> type) {
			if (type == LoadBalancerLifecycle.class) {
				this.lifecycles.incrementAndGet();
			}
			return this.factory.getInstances(name, type);
		}

		@Override
		public <X> X getInstance(String name, Class<?> clazz, Class<?>... generics) {
			return this.factory.getInstance(name, clazz, generics);
		}

		@Override
		public LoadBalancerProperties getProperties(String serviceId) {
			this.properties.incrementAndGet();
			return this.factory.getProperties(serviceId);
		}

	}

}
