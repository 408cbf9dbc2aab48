package dev.hyperlane.boot.client;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Tunes {@code WebClient.Builder} beans that the application declares itself with {@code WebClient.builder()}
 * (the pattern Spring Cloud LoadBalancer documents for {@code @LoadBalanced}): such a bean replaces Spring Boot's,
 * so Boot's {@link WebClientCustomizer} beans, Hyperlane's connector among them, would never reach it. A builder
 * those customizers have already been applied to (Boot's own, or a {@code clone()} or {@code mutate()} of it) is
 * left alone: one of the customizers, Hyperlane's, adds a {@link CustomizedMark} filter, which this post-processor
 * looks for through the builder's public {@code filters(...)} view (no reflection on Spring's builder).
 */
final class WebClientBuilderPostProcessor implements BeanPostProcessor {

	private final ObjectProvider<WebClientCustomizer> customizers;

	WebClientBuilderPostProcessor(ObjectProvider<WebClientCustomizer> customizers) {
		this.customizers = customizers;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (bean instanceof WebClient.Builder builder && !customized(builder)) {
			this.customizers.orderedStream().forEach((customizer) -> customizer.customize(builder));
		}
		return bean;
	}

	static boolean customized(WebClient.Builder builder) {
		boolean[] marked = new boolean[1];
		builder.filters((filters) -> marked[0] = filters.contains(CustomizedMark.INSTANCE));
		return marked[0];
	}

	/**
	 * Return the customizer that marks a builder as customized; Spring Boot applies it with the others.
	 * @return the customizer
	 */
	static WebClientCustomizer marking() {
		return (builder) -> builder.filters((filters) -> {
			if (!filters.contains(CustomizedMark.INSTANCE)) {
				filters.add(0, CustomizedMark.INSTANCE);
			}
		});
	}

}
