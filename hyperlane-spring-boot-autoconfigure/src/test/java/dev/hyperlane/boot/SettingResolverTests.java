package dev.hyperlane.boot;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SettingResolver}: the order of the layers (a service's own value, the defaults, Spring Boot's
 * property, a derived value, Hyperlane's default), the source and property it records, and the range check on
 * every source.
 */
class SettingResolverTests {

	private static final Setting<Options, Duration> TIMEOUT = Setting
		.of("timeout", Duration.class, Options::timeout, Duration.ofSeconds(10), "the descriptor's reason")
		.withBootProperty("boot.timeout")
		.withCheck(Setting::positive, "a positive duration");

	@Test
	void theMostSpecificLayerWins() {
		SettingResolver<Options> resolver = resolver(Map.of("boot.timeout", "7s"), new Options(Duration.ofSeconds(1)),
				new Options(Duration.ofSeconds(2)));
		assertThat(resolver.resolve(TIMEOUT)).isEqualTo(Duration.ofSeconds(1));
		EffectiveSetting effective = resolver.settings().effective(TIMEOUT);
		assertThat(effective).isEqualTo(new EffectiveSetting("test.services.a.timeout", Duration.ofSeconds(1),
				SettingSource.PROPERTY, "set by test.services.a.timeout"));
	}

	@Test
	void theDefaultsLayerComesNext() {
		SettingResolver<Options> resolver = resolver(Map.of("boot.timeout", "7s"), new Options(null),
				new Options(Duration.ofSeconds(2)));
		assertThat(resolver.resolve(TIMEOUT)).isEqualTo(Duration.ofSeconds(2));
		assertThat(resolver.settings().effective(TIMEOUT).property()).isEqualTo("test.defaults.timeout");
	}

	@Test
	void aBootPropertyWinsOverHyperlanesDefault() {
		SettingResolver<Options> resolver = resolver(Map.of("boot.timeout", "7s"), new Options(null),
				new Options(null));
		assertThat(resolver.resolve(TIMEOUT)).isEqualTo(Duration.ofSeconds(7));
		EffectiveSetting effective = resolver.settings().effective(TIMEOUT);
		assertThat(effective.source()).isEqualTo(SettingSource.BOOT_PROPERTY);
		assertThat(effective.property()).isEqualTo("test.defaults.timeout");
	}

	@Test
	void theDescriptorsDefaultComesLastOrADerivedValue() {
		SettingResolver<Options> resolver = resolver(Map.of(), new Options(null), new Options(null));
		assertThat(resolver.resolve(TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
		assertThat(resolver.settings().effective(TIMEOUT)).isEqualTo(new EffectiveSetting("test.defaults.timeout",
				Duration.ofSeconds(10), SettingSource.DEFAULT, "the descriptor's reason"));
		SettingResolver<Options> deriving = resolver(Map.of(), new Options(null), new Options(null));
		assertThat(deriving.derive(TIMEOUT, Duration.ofSeconds(3), "from the machine")).isEqualTo(Duration.ofSeconds(3));
		assertThat(deriving.settings().effective(TIMEOUT).source()).isEqualTo(SettingSource.DERIVED);
	}

	@Test
	void everySourcePassesTheCheck() {
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> resolver(Map.of(), new Options(Duration.ZERO), new Options(null)).resolve(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("test.services.a.timeout");
				assertThat(ex.getMessage()).contains("value 0s (property) is out of range");
				assertThat(ex.getAction()).isEqualTo("Set test.services.a.timeout to a positive duration.");
			});
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> resolver(Map.of("boot.timeout", "-1s"), new Options(null), new Options(null))
				.resolve(TIMEOUT))
			.withMessageContaining("(boot-property) is out of range");
	}

	@Test
	void anExplicitLayerCountsOnlyWhatTheApplicationSet() {
		StandardEnvironment environment = environment(Map.of());
		SettingResolver<Options> resolver = new SettingResolver<>(List.of(SettingResolver.Layer.explicit("test",
				new Options(Duration.ofSeconds(99)), new ExplicitProperties(environment))), "test",
				new ExplicitProperties(environment), Binder.get(environment));
		assertThat(resolver.resolve(TIMEOUT)).isEqualTo(Duration.ofSeconds(10));
		assertThat(resolver.settings().effective(TIMEOUT).source()).isEqualTo(SettingSource.DEFAULT);
	}

	private static SettingResolver<Options> resolver(Map<String, Object> bootProperties, Options own,
			Options defaults) {
		StandardEnvironment environment = environment(bootProperties);
		return new SettingResolver<>(
				List.of(SettingResolver.Layer.nullable("test.services.a", own),
						SettingResolver.Layer.nullable("test.defaults", defaults)),
				"test.defaults", new ExplicitProperties(environment), Binder.get(environment));
	}

	private static StandardEnvironment environment(Map<String, Object> properties) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", properties));
		return environment;
	}

	record Options(@Nullable Duration timeout) {
	}

}
