package dev.hyperlane.boot.actuate;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.loadbalancer.LoadBalancerAutoConfiguration;
import dev.hyperlane.boot.runtime.RuntimeAutoConfiguration;
import dev.hyperlane.boot.server.ServerAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the {@link HyperlaneEndpoint} when Spring Boot's actuator is present and the endpoint is available
 * ({@code management.endpoint.hyperlane.access}, {@code management.endpoints.web.exposure.include}).
 */
@AutoConfiguration(after = { TransportAutoConfiguration.class, ServerAutoConfiguration.class, ClientAutoConfiguration.class,
		LoadBalancerAutoConfiguration.class,
		RuntimeAutoConfiguration.class })
@ConditionalOnClass(Endpoint.class)
@ConditionalOnHyperlane
@ConditionalOnAvailableEndpoint(HyperlaneEndpoint.class)
public final class HyperlaneEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HyperlaneEndpoint hyperlaneEndpoint(ObjectProvider<HyperlaneSection> sections) {
		return new HyperlaneEndpoint(sections.orderedStream().toList());
	}

}
