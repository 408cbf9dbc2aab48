package dev.hyperlane.boot.deadline;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.HyperlaneSettingException;
import org.junit.jupiter.api.Test;

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
		HyperlaneDeadlineProperties properties = new HyperlaneDeadlineProperties();
		properties.setHeaders(List.of("x-envoy-expected-rq-timeout-ms", "grpc-timeout"));
		properties.setMaxBudget(Duration.ofSeconds(1));
		DeadlineHeaders headers = new DeadlineHeaders(properties);
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
		HyperlaneDeadlineProperties properties = new HyperlaneDeadlineProperties();
		properties.setDefaultBudget(Duration.ofSeconds(2));
		Deadline deadline = new DeadlineHeaders(properties).read(new HttpHeaders());
		assertThat(deadline).isNotNull();
		assertThat(deadline.budget()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void writesTheTimeLeftInTheFirstHeader() {
		HyperlaneDeadlineProperties properties = new HyperlaneDeadlineProperties();
		HttpHeaders outgoing = new HttpHeaders();
		new DeadlineHeaders(properties).write(outgoing, TimeUnit.MILLISECONDS.toNanos(1234) + 500);
		assertThat(outgoing.getFirst("x-envoy-expected-rq-timeout-ms")).isEqualTo("1234");
		properties.setHeaders(List.of("grpc-timeout"));
		new DeadlineHeaders(properties).write(outgoing, TimeUnit.MILLISECONDS.toNanos(80));
		assertThat(outgoing.getFirst("grpc-timeout")).isEqualTo("80m");
	}

	@Test
	void badSettingsFailNamingTheProperty() {
		HyperlaneDeadlineProperties properties = new HyperlaneDeadlineProperties();
		properties.setHeaders(List.of());
		assertThatExceptionOfType(HyperlaneSettingException.class).isThrownBy(() -> new DeadlineHeaders(properties))
			.withMessageContaining("hyperlane.deadline.headers");
		properties.setHeaders(List.of("grpc-timeout"));
		properties.setMaxBudget(Duration.ZERO);
		assertThatExceptionOfType(HyperlaneSettingException.class).isThrownBy(() -> new DeadlineHeaders(properties))
			.withMessageContaining("hyperlane.deadline.max-budget");
		properties.setMaxBudget(Duration.ofSeconds(1));
		properties.setDefaultBudget(Duration.ofSeconds(2));
		assertThatExceptionOfType(HyperlaneSettingException.class).isThrownBy(() -> new DeadlineHeaders(properties))
			.withMessageContaining("hyperlane.deadline.default-budget");
	}

}
