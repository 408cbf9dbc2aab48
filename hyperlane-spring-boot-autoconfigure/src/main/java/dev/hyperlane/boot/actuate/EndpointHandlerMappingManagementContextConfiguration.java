package dev.hyperlane.boot.actuate;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import dev.hyperlane.boot.ConditionalOnHyperlane;

import org.springframework.boot.actuate.autoconfigure.endpoint.web.CorsEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.endpoint.web.WebEndpointProperties;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextConfiguration;
import org.springframework.boot.actuate.autoconfigure.web.ManagementContextType;
import org.springframework.boot.actuate.endpoint.EndpointAccessResolver;
import org.springframework.boot.actuate.endpoint.ExposableEndpoint;
import org.springframework.boot.actuate.endpoint.web.EndpointLinksResolver;
import org.springframework.boot.actuate.endpoint.web.EndpointMapping;
import org.springframework.boot.actuate.endpoint.web.EndpointMediaTypes;
import org.springframework.boot.actuate.endpoint.web.ExposableWebEndpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointsSupplier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication.Type;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.actuate.endpoint.web.ControllerEndpointHandlerMapping;
import org.springframework.boot.webflux.actuate.endpoint.web.WebFluxEndpointHandlerMapping;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.util.StringUtils;
import org.springframework.web.reactive.DispatcherHandler;

/**
 * Supplies the actuator's endpoint mappings on the application's port as a {@link BasePathEndpointHandlerMapping}
 * and a {@link BasePathControllerEndpointHandlerMapping} (Boot's mappings with a base-path check in front), in place
 * of the {@link WebFluxEndpointHandlerMapping} and {@link ControllerEndpointHandlerMapping} that Boot's
 * {@code WebFluxEndpointManagementContextConfiguration} declares {@code @ConditionalOnMissingBean}; ordered before it
 * so that Boot's beans back off. Built from the same inputs as Boot's: the exposed endpoints, the media types,
 * {@code management.endpoints.web.cors.*}, {@code management.endpoints.web.base-path},
 * {@code management.endpoints.web.discovery.enabled} and the endpoints' access. Boot's mapping of the health groups'
 * additional paths, when it has none, is replaced by one that answers no request at once
 * ({@link NoHealthPathsHandlerMapping}).
 * <p>
 * Only in the application's context ({@link ManagementContextType#SAME}): with {@code management.server.port} set,
 * the application's port carries no endpoint mapping and the management port keeps Boot's. Off with
 * {@code hyperlane.server.actuator-path-check=false} (then Boot's mappings are used unchanged), or, each, when the
 * application declares its own mapping of that type.
 */
@ManagementContextConfiguration(value = ManagementContextType.SAME, proxyBeanMethods = false)
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnWebApplication(type = Type.REACTIVE)
@ConditionalOnClass({ DispatcherHandler.class, WebFluxEndpointHandlerMapping.class })
@ConditionalOnBean(WebEndpointsSupplier.class)
@ConditionalOnHyperlane
@ConditionalOnBooleanProperty(name = EndpointHandlerMappingManagementContextConfiguration.PROPERTY,
		matchIfMissing = true)
@EnableConfigurationProperties(CorsEndpointProperties.class)
class EndpointHandlerMappingManagementContextConfiguration {

	/** The property that switches the base-path check off. */
	static final String PROPERTY = "hyperlane.server.actuator-path-check";

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("removal")
	BasePathEndpointHandlerMapping webEndpointReactiveHandlerMapping(WebEndpointsSupplier webEndpointsSupplier,
			org.springframework.boot.actuate.endpoint.web.annotation.ControllerEndpointsSupplier controllerEndpointsSupplier,
			EndpointMediaTypes endpointMediaTypes, CorsEndpointProperties corsProperties,
			WebEndpointProperties webEndpointProperties) {
		String basePath = webEndpointProperties.getBasePath();
		Collection<ExposableWebEndpoint> endpoints = webEndpointsSupplier.getEndpoints();
		List<ExposableEndpoint<?>> allEndpoints = new ArrayList<>(endpoints);
		allEndpoints.addAll(controllerEndpointsSupplier.getEndpoints());
		// Same port: Boot registers the links when discovery is on and the base path is not empty
		boolean links = webEndpointProperties.getDiscovery().isEnabled() && StringUtils.hasText(basePath);
		return new BasePathEndpointHandlerMapping(new EndpointMapping(basePath), endpoints, endpointMediaTypes,
				corsProperties.toCorsConfiguration(), new EndpointLinksResolver(allEndpoints, basePath), links);
	}

	@Bean
	@ConditionalOnMissingBean
	@SuppressWarnings("removal")
	BasePathControllerEndpointHandlerMapping controllerEndpointHandlerMapping(
			org.springframework.boot.actuate.endpoint.web.annotation.ControllerEndpointsSupplier controllerEndpointsSupplier,
			CorsEndpointProperties corsProperties, WebEndpointProperties webEndpointProperties,
			EndpointAccessResolver endpointAccessResolver) {
		return new BasePathControllerEndpointHandlerMapping(new EndpointMapping(webEndpointProperties.getBasePath()),
				controllerEndpointsSupplier.getEndpoints(), corsProperties.toCorsConfiguration(),
				endpointAccessResolver);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup")
	static class HealthPathsConfiguration {

		@Bean
		static BeanPostProcessor hyperlaneNoHealthPathsHandlerMapping() {
			return NoHealthPathsHandlerMapping.replacing();
		}

	}

}
