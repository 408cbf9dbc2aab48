package dev.hyperlane.boot;

import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the runtime hints the module registers through {@code META-INF/spring/aot.factories}, applied as
 * Spring AOT applies them: every registrar that file lists, found by {@link SpringFactoriesLoader}.
 */
class RuntimeHintsTests {

	private static final String LIVE_VIEW_PAGE = "dev/hyperlane/boot/actuate/live-view.html";

	private final RuntimeHints hints = new RuntimeHints();

	@BeforeEach
	void registerHintsFromAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories", getClass().getClassLoader())
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).isNotEmpty();
		registrars.forEach((registrar) -> registrar.registerHints(this.hints, getClass().getClassLoader()));
	}

	@Test
	void liveViewPageIsAResourceHint() {
		assertThat(new ClassPathResource(LIVE_VIEW_PAGE).exists()).isTrue();
		assertThat(RuntimeHintsPredicates.resource().forResource(LIVE_VIEW_PAGE)).accepts(this.hints);
	}

	@Test
	void nativeTransportClassesLookedUpByNameAreTypeHints() {
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("io.netty.channel.uring.IoUring")))
			.accepts(this.hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of("io.netty.channel.epoll.Epoll")))
			.accepts(this.hints);
	}

}
