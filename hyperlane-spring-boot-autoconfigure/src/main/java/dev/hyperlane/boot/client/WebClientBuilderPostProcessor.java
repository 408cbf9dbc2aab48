package dev.hyperlane.boot.client;

import java.lang.reflect.Field;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.util.ReflectionUtils;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Tunes {@code WebClient.Builder} beans that the application declares itself with {@code WebClient.builder()}
 * (the pattern Spring Cloud LoadBalancer documents for {@code @LoadBalanced}): such a bean replaces Spring Boot's,
 * so Boot's {@link WebClientCustomizer} beans, Hyperlane's connector among them, would never reach it. A builder
 * that already has a connector (Boot's own, or one the application set) is left alone.
 */
final class WebClientBuilderPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<WebClientCustomizer> customizers;

	WebClientBuilderPostProcessor(ObjectProvider<WebClientCustomizer> customizers) {
		this.customizers = customizers;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebClient.Builder builder && !hasConnector(builder)) {
			this.customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		}
		return bean;
	}

	static boolean hasConnector(WebClient.Builder builder) {
		Field field = ReflectionUtils.findField(builder.getClass(), "connector");
		if (field == null) {
			return false;
		}
		try {
			ReflectionUtils.makeAccessible(field);
			return field.get(builder) != null;
		}
		catch (RuntimeException | IllegalAccessException ex) {
			return false;
		}
	}

}
