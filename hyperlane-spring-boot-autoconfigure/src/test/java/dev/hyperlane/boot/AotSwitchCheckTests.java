package dev.hyperlane.boot;

import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AotSwitchCheck}: a warning only when {@code hyperlane.enabled=false} meets bean definitions that
 * include the starter's auto-configurations (as AOT registers them, named by their class). The whole path, with
 * {@code -Dspring.aot.enabled=true} on a {@code process-aot} build, is covered by the payments sample's
 * {@code PaymentsAotIT}.
 */
class AotSwitchCheckTests {

	private final DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();

	@Test
	void warnsWhenTheSwitchIsOffButTheStarterWasIncludedAtBuildTime() {
		this.beanFactory.registerBeanDefinition(TransportAutoConfiguration.class.getName(),
				new RootBeanDefinition(TransportAutoConfiguration.class));
		String warning = AotSwitchCheck.warning(new MockEnvironment().withProperty("hyperlane.enabled", "false"),
				this.beanFactory);
		assertThat(warning).startsWith("hyperlane.enabled=false is ignored")
			.contains("1 of its auto-configurations", "process-aot");
	}

	@Test
	void quietWhenTheStarterWasLeftOutAtBuildTime() {
		assertThat(AotSwitchCheck.warning(new MockEnvironment().withProperty("hyperlane.enabled", "false"),
				this.beanFactory))
			.isNull();
	}

	@Test
	void quietWhenTheSwitchIsOn() {
		this.beanFactory.registerBeanDefinition(TransportAutoConfiguration.class.getName(),
				new RootBeanDefinition(TransportAutoConfiguration.class));
		assertThat(AotSwitchCheck.warning(new MockEnvironment(), this.beanFactory)).isNull();
	}

}
