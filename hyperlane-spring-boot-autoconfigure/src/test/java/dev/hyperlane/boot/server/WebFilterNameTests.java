package dev.hyperlane.boot.server;

import dev.hyperlane.boot.deadline.DeadlineHeaders;
import dev.hyperlane.boot.deadline.DeadlineStatistics;
import dev.hyperlane.boot.deadline.DeadlineWebFilter;
import dev.hyperlane.boot.deadline.HyperlaneDeadlineProperties;
import dev.hyperlane.boot.observability.ObservationScopeWebFilter;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.web.server.WebFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's default web filters name themselves with one constant string: WebFlux's filter chain calls
 * {@code toString()} on every filter for every request (a Reactor checkpoint), and a new string per call was the
 * largest per-request allocation the starter added (benchmarks/README.md).
 */
class WebFilterNameTests {

	@Test
	void defaultFiltersReturnTheSameNameOnEveryCall() {
		for (WebFilter filter : new WebFilter[] { new ObservationScopeWebFilter(),
				new DeadlineWebFilter(new DeadlineHeaders(
						new Binder().bindOrCreate("hyperlane.deadline", HyperlaneDeadlineProperties.class)),
						new DeadlineStatistics()) }) {
			assertThat(filter.toString()).isSameAs(filter.toString()).isEqualTo(filter.getClass().getSimpleName());
		}
	}

}
