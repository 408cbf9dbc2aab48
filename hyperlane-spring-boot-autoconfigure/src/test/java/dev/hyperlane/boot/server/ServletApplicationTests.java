package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.transport.TransportResources;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.client.RestClient;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Spring MVC application on a real Tomcat (port 0) with the starter: the server is left as Boot configures it and
 * says so (one INFO line, the endpoint's {@code server} section, no server meters), the {@code RestClient} is tuned,
 * and no event loop runs until a Reactor Netty client needs one.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class ServletApplicationTests {

	@Test
	void tomcatIsLeftUntunedAndSaysSo(CapturedOutput output) {
		try (ConfigurableApplicationContext context = start()) {
			assertThat(((WebServerApplicationContext) context).getWebServer().getClass().getSimpleName())
				.isEqualTo("TomcatWebServer");
			assertThat(context.getBeanNamesForType(HyperlaneServerTuner.class)).isEmpty();
			assertThat(output).contains("Hyperlane does not tune this application's web server (Tomcat)");
			HyperlaneEndpoint endpoint = context.getBean(HyperlaneEndpoint.class);
			assertThat(endpoint.section("server")).containsEntry("tuned", false).containsEntry("webServer", "Tomcat");
			@SuppressWarnings("unchecked")
			Map<String, Object> metrics = (Map<String, Object>) endpoint.section("observability").get("metrics");
			assertThat(metrics).containsEntry("server", false);
		}
	}

	@Test
	void restClientIsTunedAndEventLoopsStartWithTheFirstCall() {
		try (ConfigurableApplicationContext context = start()) {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(loopThreads(transport)).isZero();
			int port = ((WebServerApplicationContext) context).getWebServer().getPort();
			RestClient client = context.getBean(RestClient.Builder.class).build();
			assertThat(client.get().uri("http://127.0.0.1:" + port + "/hello").retrieve().body(String.class))
				.isEqualTo("hello");
			assertThat(context.getBean(HyperlaneClientHttpConnector.class).clientFor("127.0.0.1").statistics()
				.describe()).containsEntry("requests", 1L);
			assertThat(loopThreads(transport)).isPositive();
		}
	}

	@Test
	void withoutAReactorNettyClientThereAreNoEventLoops() {
		try (ConfigurableApplicationContext context = start("--hyperlane.client.enabled=false")) {
			assertThat(context.getBeanNamesForType(HyperlaneClientHttpConnector.class)).isEmpty();
			assertThat(context.getBean(TransportResources.class).loopResources().groupIfCreated()).isNull();
		}
	}

	/** The live threads that run one of this application's event loops (other tests' loops may still be stopping). */
	private static long loopThreads(TransportResources transport) {
		EventLoopGroup group = transport.loopResources().groupIfCreated();
		if (group == null) {
			return 0;
		}
		return Thread.getAllStackTraces().keySet().stream()
			.filter((thread) -> thread.isAlive() && StreamSupport.stream(group.spliterator(), false)
				.anyMatch((executor) -> executor.inEventLoop(thread)))
			.count();
	}

	private static ConfigurableApplicationContext start(String... extraArgs) {
		SpringApplication application = new SpringApplication(App.class);
		application.setWebApplicationType(WebApplicationType.SERVLET);
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--spring.main.banner-mode=off",
				"--management.endpoints.web.exposure.include=hyperlane", "--spring.reactor.netty.shutdown-quiet-period=0s"));
		args.addAll(List.of(extraArgs));
		return application.run(args.toArray(String[]::new));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		RouterFunction<ServerResponse> hello() {
			return RouterFunctions.route().GET("/hello", (request) -> ServerResponse.ok().body("hello")).build();
		}

	}

}
