package dev.hyperlane.boot.actuate;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hyperlane.boot.HyperlaneSettingException;
import org.junit.jupiter.api.Test;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LiveViewAutoConfiguration} and {@link LiveViewManagementContextConfiguration}: the page is off by
 * default, follows the management base path, the management port and the endpoint's path mapping, comes with a
 * Content-Security-Policy that admits its own inline script and nothing from elsewhere, and refuses bad settings at
 * start-up. The pages are fetched over real sockets from applications on port 0.
 */
class LiveViewAutoConfigurationTests {

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(LiveViewAutoConfiguration.class));

	@Test
	void isOffByDefault() throws Exception {
		try (ConfigurableApplicationContext context = application()) {
			assertThat(context.getBeanNamesForType(LiveViewPage.class)).isEmpty();
			assertThat(get(port(context), "/actuator/hyperlane-view").statusCode()).isEqualTo(404);
			assertThat(get(port(context), "/actuator/hyperlane").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void servesTheSelfContainedPageUnderTheActuatorBasePath() throws Exception {
		try (ConfigurableApplicationContext context = application("hyperlane.live-view.enabled=true",
				"management.endpoints.web.base-path=/manage")) {
			HttpResponse<String> page = get(port(context), "/manage/hyperlane-view");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
					(type) -> assertThat(type).startsWith("text/html").contains("UTF-8"));
			assertThat(page.body()).contains("data-poll-millis=\"2000\"", "data-history-seconds=\"300\"",
					"data-endpoint=\"hyperlane\"");
			// nothing to fetch from anywhere: no external script, style, font or image reference
			assertThat(page.body()).doesNotContain("src=\"http", "href=\"http", "@import", "url(");
			String policy = page.headers().firstValue("Content-Security-Policy").orElseThrow();
			assertThat(policy).contains("default-src 'none'", "connect-src 'self'")
				.doesNotContain("unsafe-inline", "unsafe-eval");
			assertThat(policy).contains("'sha256-" + sha256(inline(page.body(), "script")) + "'",
					"'sha256-" + sha256(inline(page.body(), "style")) + "'");
			assertThat(get(port(context), "/actuator/hyperlane-view").statusCode()).isEqualTo(404);
			assertThat(get(port(context), "/manage/hyperlane").statusCode()).isEqualTo(200);
		}
	}

	@Test
	void servesThePageOnTheManagementPortAndFollowsThePathMapping() throws Exception {
		try (ConfigurableApplicationContext context = application("hyperlane.live-view.enabled=true",
				"hyperlane.live-view.poll-interval=5s", "hyperlane.live-view.history=10m", "management.server.port=0", "management.server.address=127.0.0.1",
				"management.endpoints.web.path-mapping.hyperlane=tuning")) {
			int management = context.getEnvironment().getRequiredProperty("local.management.port", Integer.class);
			assertThat(management).isNotEqualTo(port(context));
			HttpResponse<String> page = get(management, "/actuator/hyperlane-view");
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("data-poll-millis=\"5000\"", "data-history-seconds=\"600\"",
					"data-endpoint=\"tuning\"");
			assertThat(get(management, "/actuator/tuning").statusCode()).isEqualTo(200);
			assertThat(get(port(context), "/actuator/hyperlane-view").statusCode()).isEqualTo(404);
		}
	}

	@Test
	void backsOffWhenHyperlaneIsDisabledOrTheApplicationIsNotReactive() {
		this.runner.withPropertyValues("hyperlane.live-view.enabled=true", "hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(LiveViewPage.class));
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(LiveViewAutoConfiguration.class))
			.withPropertyValues("hyperlane.live-view.enabled=true")
			.run((context) -> assertThat(context).doesNotHaveBean(LiveViewPage.class));
		this.runner.withPropertyValues("hyperlane.live-view.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(LiveViewPage.class));
	}

	@Test
	void usesTheApplicationsOwnPage() {
		this.runner.withPropertyValues("hyperlane.live-view.enabled=true")
			.withUserConfiguration(OwnPage.class)
			.run((context) -> assertThat(context).getBean(LiveViewPage.class)
				.isSameAs(context.getBean("ownPage")));
	}

	@Test
	void refusesAPollIntervalOrHistoryOutOfRange() {
		List<String[]> cases = List.of(new String[] { "hyperlane.live-view.poll-interval=100ms", "poll-interval" },
				new String[] { "hyperlane.live-view.poll-interval=2m", "poll-interval" },
				new String[] { "hyperlane.live-view.history=30s", "history" },
				new String[] { "hyperlane.live-view.history=2h", "history" },
				new String[] { "hyperlane.live-view.poll-interval=45s", "history" });
		for (String[] bad : cases) {
			this.runner.withPropertyValues("hyperlane.live-view.enabled=true", bad[0]).run((context) -> {
				assertThat(context).hasFailed();
				Throwable failure = context.getStartupFailure();
				while (failure != null && !(failure instanceof HyperlaneSettingException)) {
					failure = failure.getCause();
				}
				assertThat(failure).as(bad[0]).isInstanceOf(HyperlaneSettingException.class);
				assertThat(((HyperlaneSettingException) failure).getProperty())
					.isEqualTo("hyperlane.live-view." + bad[1]);
			});
		}
	}

	private static ConfigurableApplicationContext application(String... extra) {
		List<String> properties = new ArrayList<>(List.of("server.port=0", "server.address=127.0.0.1",
				"management.endpoints.web.exposure.include=hyperlane",
				"spring.reactor.netty.shutdown-quiet-period=0s"));
		properties.addAll(List.of(extra));
		return new SpringApplicationBuilder(App.class).web(WebApplicationType.REACTIVE)
			.properties(properties.toArray(new String[0]))
			.run();
	}

	private static int port(ConfigurableApplicationContext context) {
		return context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(10))
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static String inline(String html, String element) {
		Matcher matcher = Pattern.compile("<" + element + ">(.*?)</" + element + ">", Pattern.DOTALL).matcher(html);
		assertThat(matcher.find()).as("an inline <%s> element", element).isTrue();
		return matcher.group(1);
	}

	private static String sha256(String text) throws Exception {
		return Base64.getEncoder()
			.encodeToString(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

	@Configuration(proxyBeanMethods = false)
	static class OwnPage {

		@Bean
		LiveViewPage ownPage() {
			return new LiveViewPage(new Binder().bindOrCreate("hyperlane.live-view", LiveViewProperties.class));
		}

	}

}
