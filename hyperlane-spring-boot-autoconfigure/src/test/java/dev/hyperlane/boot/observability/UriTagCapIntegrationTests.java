package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hyperlane.boot.Advice;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 10,000 requests to distinct raw URIs, sent by a {@code WebClient} that builds each URI by concatenation (the
 * cardinality explosion of reactor-netty #2591), through a real server: the Prometheus scrape shows at most the
 * cap of {@code uri} values per Reactor Netty meter prefix, the server side tags with the route template, and the
 * {@code observability} section advises.
 */
class UriTagCapIntegrationTests {

	static final int REQUESTS = 10_000;

	private static final Pattern URI_LABEL = Pattern.compile("uri=\"([^\"]*)\"");

	@Test
	void tenThousandRawUrisProduceAtMostTheCapOfTagValues() {
		try (ConfigurableApplicationContext context = ObservedApp.start("hyperlane.observability.metrics.server=true",
				"hyperlane.observability.metrics.client=true")) {
			int port = ObservedApp.port(context);
			WebClient client = context.getBean(WebClient.Builder.class).build();
			Long done = Flux.range(0, REQUESTS)
				.flatMap((i) -> client.get()
					.uri("http://127.0.0.1:" + port + "/items/" + i)
					.retrieve()
					.bodyToMono(String.class), 32)
				.count()
				.block(Duration.ofSeconds(120));
			assertThat(done).isEqualTo(REQUESTS);
			String scrape = ObservedApp.get("http://127.0.0.1:" + port + "/actuator/prometheus");
			Set<String> clientUris = uris(scrape, "reactor_netty_http_client_");
			Set<String> serverUris = uris(scrape, "reactor_netty_http_server_");
			assertThat(clientUris).hasSizeLessThanOrEqualTo(100).contains(UriTagCap.OVERFLOW);
			assertThat(serverUris).contains("/items/{id}").doesNotContain("/items/1", UriTagCap.OVERFLOW);
			assertThat(serverUris).hasSizeLessThanOrEqualTo(100);
			UriTagCap cap = context.getBean(UriTagCap.class);
			assertThat(cap.distinctValues().get("reactor.netty.http.client")).isEqualTo(100);
			ObservabilitySection section = context.getBean(ObservabilitySection.class);
			assertThat(section.advice()).extracting(Advice::property)
				.contains("hyperlane.observability.uri-tag-cap");
			@SuppressWarnings("unchecked")
			Map<String, Object> uriTags = (Map<String, Object>) section.describe().get("uriTags");
			assertThat(uriTags).containsEntry("cap", 100);
		}
	}

	static Set<String> uris(String scrape, String prefix) {
		Set<String> uris = new TreeSet<>();
		scrape.lines().filter((line) -> line.startsWith(prefix)).forEach((line) -> {
			Matcher matcher = URI_LABEL.matcher(line);
			if (matcher.find()) {
				uris.add(matcher.group(1));
			}
		});
		return uris;
	}

}
