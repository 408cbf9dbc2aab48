package dev.hyperlane.boot;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.testsupport.LoadBalancedApp;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hyperlane.enabled=false} gives plain Spring Boot back: the same application, on the same class path, once
 * with the starter switched off and once without the starter's registrations (its auto-configurations, environment
 * post-processor and failure analyzer hidden from Spring Boot), has the same environment, the same beans and the
 * same Netty server pipeline on the same event loops.
 */
class HyperlaneDisabledTests {

	private static final String[] ARGS = { "--server.port=0", "--spring.main.banner-mode=off",
			"--management.endpoints.web.exposure.include=*" };

	@Test
	void switchedOffIsTheSameAsWithoutTheStarter() throws Exception {
		Snapshot off = run(HyperlaneDisabledTests.class.getClassLoader(), "--hyperlane.enabled=false");
		Snapshot without = run(new WithoutHyperlane(HyperlaneDisabledTests.class.getClassLoader()),
				"--hyperlane.enabled=false");
		assertThat(difference(off.properties(), without.properties())).isEmpty();
		assertThat(off.beans()).isEqualTo(without.beans());
		assertThat(off.pipeline()).isEqualTo(without.pipeline());
		assertThat(off.eventLoop()).isEqualTo(without.eventLoop());
	}

	@Test
	void theComparisonSeesTheStarterWhenItIsOn() throws Exception {
		Snapshot without = run(new WithoutHyperlane(HyperlaneDisabledTests.class.getClassLoader()),
				"--hyperlane.enabled=true");
		Snapshot on = run(HyperlaneDisabledTests.class.getClassLoader(), "--hyperlane.enabled=true");
		// the starter sets no property of Boot's (spring.reactor.context-propagation stays Boot's "limited"); the one
		// system property it may set, Netty's multishot accept switch, is JVM-wide once set, so whether the run
		// without the starter sees it depends on which test of this JVM started the starter first
		// (SingleAcceptStartUpTests checks it in a JVM of its own)
		assertThat(difference(on.properties(), without.properties()))
			.allMatch((property) -> property.startsWith("systemProperties: io.netty.iouring.acceptMultiShotEnabled="));
		assertThat(on.beans()).contains("hyperlaneTransportResources", "hyperlaneWebClientBuilderPostProcessor")
			.isNotEqualTo(without.beans());
		assertThat(on.eventLoop()).isEqualTo("hyperlane-loop").isNotEqualTo(without.eventLoop());
	}

	private static Set<String> difference(Set<String> left, Set<String> right) {
		Set<String> difference = new TreeSet<>(left);
		difference.addAll(right);
		Set<String> common = new TreeSet<>(left);
		common.retainAll(right);
		difference.removeAll(common);
		return difference;
	}

	private static Snapshot run(ClassLoader classLoader, String... extraArgs) throws Exception {
		SpringApplication application = new SpringApplication(new DefaultResourceLoader(classLoader), App.class);
		application.setWebApplicationType(WebApplicationType.REACTIVE);
		List<String> args = new ArrayList<>(List.of(ARGS));
		args.addAll(List.of(extraArgs));
		try (ConfigurableApplicationContext context = application.run(args.toArray(String[]::new))) {
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hello")).build(),
						HttpResponse.BodyHandlers.ofString());
			assertThat(response.body()).isEqualTo("hello");
			Set<String> properties = new TreeSet<>();
			for (PropertySource<?> source : context.getEnvironment().getPropertySources()) {
				if (source instanceof EnumerablePropertySource<?> enumerable) {
					for (String name : enumerable.getPropertyNames()) {
						// the ports chosen for server.port=0 differ from run to run
						if (!name.startsWith("local.")) {
							properties.add(source.getName() + ": " + name + "=" + enumerable.getProperty(name));
						}
					}
				}
			}
			PipelineRecorder recorder = context.getBean(PipelineRecorder.class);
			return new Snapshot(properties, new TreeSet<>(List.of(context.getBeanDefinitionNames())),
					recorder.pipelines.get(0), recorder.threads.get(0).replaceAll("(-\\d+)+$", ""));
		}
	}

	record Snapshot(Set<String> properties, Set<String> beans, List<String> pipeline,
			String eventLoop) {
	}

	/** Hides the starter's registration files, so Spring Boot runs the application as if it were absent. */
	static final class WithoutHyperlane extends ClassLoader {

		private final String location = HyperlaneSettingFailureAnalyzer.class.getProtectionDomain()
			.getCodeSource()
			.getLocation()
			.toString();

		WithoutHyperlane(ClassLoader parent) {
			super(parent);
		}

		@Override
		public Enumeration<URL> getResources(String name) throws IOException {
			List<URL> urls = Collections.list(super.getResources(name));
			urls.removeIf((url) -> url.toString().startsWith(this.location));
			return Collections.enumeration(urls);
		}

	}

	static final class PipelineRecorder {

		final List<List<String>> pipelines = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

	}

	@Configuration(proxyBeanMethods = false)
	@Import(LoadBalancedApp.class)
	static class App {

		@Bean
		PipelineRecorder pipelineRecorder() {
			return new PipelineRecorder();
		}

		@Bean
		NettyServerCustomizer pipelineRecordingCustomizer(PipelineRecorder recorder) {
			return (server) -> server.doOnConnection((connection) -> {
				recorder.pipelines.add(List.copyOf(connection.channel().pipeline().names()));
				recorder.threads.add(Thread.currentThread().getName());
			});
		}

		@Bean
		RouterFunction<ServerResponse> hello() {
			return RouterFunctions.route()
				.GET("/hello", (request) -> ServerResponse.ok().body(Mono.just("hello"), String.class))
				.build();
		}

	}

}
