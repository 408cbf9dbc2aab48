package dev.hyperlane.boot;

import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Says at start-up when {@code hyperlane.enabled=false} cannot take effect. An application that starts from Spring
 * AOT's generated bean definitions ({@code -Dspring.aot.enabled=true}, and every native image) had its
 * auto-configuration conditions evaluated once, when {@code process-aot} ran at build time: if the starter was on
 * then, its beans are there whatever {@code hyperlane.enabled} says at run time. This listener then logs one WARN
 * naming the property and the fix (set it for the build, or build without the starter). The same holds for every
 * other {@code hyperlane.*.enabled} switch that decides whether a bean exists.
 * <p>
 * Listed in {@code META-INF/spring.factories}, so it runs whether or not the starter's auto-configurations were
 * included; it reads the bean definitions once, before any bean is created, and does nothing without AOT.
 */
public final class AotSwitchCheck implements ApplicationListener<ApplicationPreparedEvent> {

	private static final Log logger = LogFactory.getLog(AotSwitchCheck.class);

	private static final String PROPERTY = "hyperlane.enabled";

	private static final String AUTO_CONFIGURATION_PREFIX = "dev.hyperlane.boot.";

	@Override
	public void onApplicationEvent(ApplicationPreparedEvent event) {
		if (!AotDetector.useGeneratedArtifacts()) {
			return;
		}
		String warning = warning(event.getApplicationContext().getEnvironment(),
				event.getApplicationContext().getBeanFactory());
		if (warning != null) {
			logger.warn(warning);
		}
	}

	/**
	 * The warning for an application started from AOT-generated bean definitions, if it needs one.
	 * @param environment the application's environment
	 * @param beanFactory the bean factory holding the generated bean definitions
	 * @return the warning, or {@code null} when the starter is on or none of its auto-configurations was included
	 */
	static @Nullable String warning(Environment environment, ListableBeanFactory beanFactory) {
		if (environment.getProperty(PROPERTY, Boolean.class, true)) {
			return null;
		}
		List<String> included = Arrays.stream(beanFactory.getBeanDefinitionNames())
			.filter((name) -> name.startsWith(AUTO_CONFIGURATION_PREFIX) && name.endsWith("AutoConfiguration"))
			.toList();
		if (included.isEmpty()) {
			return null;
		}
		return PROPERTY + "=false is ignored: this application runs from Spring AOT's generated bean definitions, "
				+ "whose conditions were fixed at build time with the Hyperlane starter on (" + included.size()
				+ " of its auto-configurations are included). Set " + PROPERTY + "=false when process-aot runs "
				+ "(the build), or build without the starter, to get Spring Boot's own behaviour.";
	}

}
