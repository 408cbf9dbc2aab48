package dev.hyperlane.boot.transport;

import java.time.Duration;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.ExplicitProperties;
import reactor.netty.resources.LoopResources;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Chooses the transport and creates the event loops and the allocator that the server and the clients share.
 * Runs before Spring Boot's Reactor Netty auto-configurations so that their {@code ReactorResourceFactory}, and
 * with it the web server and every {@code WebClient}, use Hyperlane's event loops. A user's own
 * {@code ReactorResourceFactory} or {@link TransportResources} bean wins.
 */
@AutoConfiguration(beforeName = {
		"org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration",
		"org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration",
		"org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration" })
@ConditionalOnClass({ LoopResources.class, ReactorResourceFactory.class })
@ConditionalOnHyperlane("transport")
@EnableConfigurationProperties(TransportProperties.class)
public final class TransportAutoConfiguration implements BeanClassLoaderAware {

	private ClassLoader classLoader = TransportAutoConfiguration.class.getClassLoader();

	@Override
	public void setBeanClassLoader(ClassLoader classLoader) {
		this.classLoader = classLoader;
	}

	@Bean
	@ConditionalOnMissingBean
	TransportResources hyperlaneTransportResources(TransportProperties properties, Environment environment) {
		Duration quietPeriod = Binder.get(environment)
			.bind("spring.reactor.netty.shutdown-quiet-period", Duration.class)
			.orElse(TransportResources.DEFAULT_QUIET_PERIOD);
		return TransportResources.create(properties, new ExplicitProperties(environment), this.classLoader,
				quietPeriod);
	}

	@Bean
	@ConditionalOnMissingBean
	TransportSection hyperlaneTransportSection(TransportResources transport) {
		return new TransportSection(transport);
	}

	@Bean
	@ConditionalOnMissingBean
	ReactorResourceFactory reactorResourceFactory(TransportResources transport) {
		ReactorResourceFactory factory = new ReactorResourceFactory();
		factory.setUseGlobalResources(false);
		factory.setLoopResources(transport.loopResources());
		return factory;
	}

}
