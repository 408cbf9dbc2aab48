package dev.hyperlane.boot.deadline;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.HyperlaneSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.http.HttpHeaders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Reading and writing deadline headers: both value syntaxes, the largest budget, the default budget, bad settings.
 */
class DeadlineHeadersTests {

	@Test
	void parsesMillisecondsAndGrpcSyntax() {
		assertThat(DeadlineHeaders.parseNanos("250")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
		assertThat(DeadlineHeaders.parseNanos("250m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
		assertThat(DeadlineHeaders.parseNanos("2S")).isEqualTo(TimeUnit.SECONDS.toNanos(2));
		assertThat(DeadlineHeaders.parseNanos("1H")).isEqualTo(TimeUnit.HOURS.toNanos(1));
		assertThat(DeadlineHeaders.parseNanos("3M")).isEqualTo(TimeUnit.MINUTES.toNanos(3));
		assertThat(DeadlineHeaders.parseNanos("700u")).isEqualTo(700_000);
		assertThat(DeadlineHeaders.parseNanos("90n")).isEqualTo(90);
		assertThat(DeadlineHeaders.parseNanos("0")).isZero();
		for (String bad : List.of("", "m", "-5", "1.5", "12x", "123456789m", "abc", "5 s")) {
			assertThat(DeadlineHeaders.parseNanos(bad)).as(bad).isEqualTo(-1);
		}
	}

	@Test
	void readsTheFirstValidHeaderCutToTheLargestBudget() {
		DeadlineHeaders headers = new DeadlineHeaders(
				bind("headers=x-envoy-expected-rq-timeout-ms,grpc-timeout", "max-budget=1s"));
		HttpHeaders request = new HttpHeaders();
		assertThat(headers.read(request)).isNull();
		request.set("grpc-timeout", "5S");
		Deadline deadline = headers.read(request);
		assertThat(deadline).isNotNull();
		assertThat(deadline.budget()).isEqualTo(Duration.ofSeconds(1));
		request.set("x-envoy-expected-rq-timeout-ms", "nonsense");
		assertThat(headers.read(request).budget()).isEqualTo(Duration.ofSeconds(1));
		request.set("x-envoy-expected-rq-timeout-ms", "200");
		assertThat(headers.read(request).budget()).isEqualTo(Duration.ofMillis(200));
	}

	@Test
	void defaultBudgetAppliesToRequestsWithoutAHeader() {
		Deadline deadline = new DeadlineHeaders(bind("default-budget=2s")).read(new HttpHeaders());
		assertThat(deadline).isNotNull();
		assertThat(deadline.budget()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void writesTheTimeLeftInTheFirstHeader() {
		HttpHeaders outgoing = new HttpHeaders();
		new DeadlineHeaders(bind()).write(outgoing, TimeUnit.MILLISECONDS.toNanos(1234) + 500);
		assertThat(outgoing.getFirst("x-envoy-expected-rq-timeout-ms")).isEqualTo("1234");
		new DeadlineHeaders(bind("headers=grpc-timeout")).write(outgoing, TimeUnit.MILLISECONDS.toNanos(80));
		assertThat(outgoing.getFirst("grpc-timeout")).isEqualTo("80m");
	}

	@Test
	void badSettingsFailNamingTheProperty() {
		HyperlaneDeadlineProperties noHeader = new HyperlaneDeadlineProperties(true, List.of(), Duration.ofSeconds(1),
				null);
		assertThatExceptionOfType(HyperlaneSettingException.class).isThrownBy(() -> new DeadlineHeaders(noHeader))
			.withMessageContaining("hyperlane.deadline.headers");
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> new DeadlineHeaders(bind("headers=grpc-timeout", "max-budget=0s")))
			.withMessageContaining("hyperlane.deadline.max-budget");
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> new DeadlineHeaders(bind("max-budget=1s", "default-budget=2s")))
			.withMessageContaining("hyperlane.deadline.default-budget");
	}

	@Test
	void unsetPropertiesTakeTheirDefaults() {
		HyperlaneDeadlineProperties properties = bind();
		assertThat(properties.enabled()).isTrue();
		assertThat(properties.headers()).containsExactly("x-envoy-expected-rq-timeout-ms");
		assertThat(properties.maxBudget()).isEqualTo(Duration.ofSeconds(300));
		assertThat(properties.defaultBudget()).isNull();
	}

	/**
	 * Bind {@code hyperlane.deadline.*} as the application does, from {@code name=value} pairs below the prefix.
	 */
	private static HyperlaneDeadlineProperties bind(String... pairs) {
		Map<String, String> values = new LinkedHashMap<>();
		for (String pair : pairs) {
			int equals = pair.indexOf('=');
			values.put("hyperlane.deadline." + pair.substring(0, equals), pair.substring(equals + 1));
		}
		return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate("hyperlane.deadline",
				HyperlaneDeadlineProperties.class);
	}

}
