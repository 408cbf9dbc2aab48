package dev.hyperlane.boot;

import org.springframework.boot.webclient.WebClientCustomizer;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Adds one {@link ExchangeFilterFunction} to every {@code WebClient.Builder} it customizes, once: a builder that
 * already holds it, such as a copy of a customized builder, keeps a single copy. The starter's filters (deadlines,
 * the client's URI templates, the chosen instance on spans) reach Spring Boot's builder and the application's own
 * builder beans this way.
 */
public final class ExchangeFilterWebClientCustomizer implements WebClientCustomizer {

	private final ExchangeFilterFunction filter;

	/**
	 * Create the customizer.
	 * @param filter the filter to add
	 */
	public ExchangeFilterWebClientCustomizer(ExchangeFilterFunction filter) {
		this.filter = filter;
	}

	@Override
	public void customize(WebClient.Builder builder) {
		builder.filters((filters) -> {
			if (!filters.contains(this.filter)) {
				filters.add(this.filter);
			}
		});
	}

}
