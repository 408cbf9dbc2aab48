package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.hyperlane.boot.SettingDescriptor;
import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import dev.hyperlane.boot.actuate.HyperlaneEndpointAutoConfiguration;
import dev.hyperlane.boot.runtime.RuntimeAutoConfiguration;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.annotation.Configurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.http.codec.autoconfigure.CodecsAutoConfiguration;
import org.springframework.boot.reactor.netty.autoconfigure.NettyReactiveWebServerAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.web.server.reactive.context.AnnotationConfigReactiveWebServerApplicationContext;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.boot.webflux.autoconfigure.HttpHandlerAutoConfiguration;
import org.springframework.boot.webflux.autoconfigure.WebFluxAutoConfiguration;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real WebFlux server the server tests run: Boot's Netty server, WebFlux, codecs and SSL bundles with the
 * starter's transport, server, runtime and endpoint auto-configurations, on port 0, the endpoint exposed, a short
 * shutdown quiet period; and what the tests read back from it (port, the endpoint's server section, log lines).
 */
final class TestServers {

	private static final AutoConfigurations AUTO_CONFIGURATIONS = AutoConfigurations.of(
			NettyReactiveWebServerAutoConfiguration.class, HttpHandlerAutoConfiguration.class,
			WebFluxAutoConfiguration.class, CodecsAutoConfiguration.class, SslAutoConfiguration.class,
			TransportAutoConfiguration.class, ServerAutoConfiguration.class, RuntimeAutoConfiguration.class,
			HyperlaneEndpointAutoConfiguration.class);

	private TestServers() {
	}

	/**
	 * The runner's auto-configurations in the order they apply, for a server a test starts in a process of its own.
	 * @return the classes
	 */
	static Class<?>[] autoConfigurationsInOrder() {
		return Configurations.getClasses(AUTO_CONFIGURATIONS);
	}

	/**
	 * A runner for a real server.
	 * @param more auto-configurations a test adds (metrics, clients)
	 * @return the runner, with no user configuration yet
	 */
	static ReactiveWebApplicationContextRunner runner(Class<?>... more) {
		ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner(
				AnnotationConfigReactiveWebServerApplicationContext::new)
			.withConfiguration(AUTO_CONFIGURATIONS)
			.withPropertyValues("server.port=0", "management.endpoints.web.exposure.include=hyperlane",
					"spring.reactor.netty.shutdown-quiet-period=10ms");
		return (more.length > 0) ? runner.withConfiguration(AutoConfigurations.of(more)) : runner;
	}

	/**
	 * The port a running server listens on.
	 * @param context the runner's context
	 * @return the port
	 */
	static int port(ApplicationContext context) {
		ApplicationContext source = (context instanceof AssertableReactiveWebApplicationContext assertable)
				? assertable.getSourceApplicationContext() : context;
		return ((ReactiveWebServerApplicationContext) source).getWebServer().getPort();
	}

	/**
	 * The transport a running server's event loops run on, for the {@code MEASURED} lines: the tests that do not
	 * choose one take {@code hyperlane.transport.type} from a system property when set ({@code auto} otherwise).
	 * @param context the runner's context
	 * @return the transport's name
	 */
	static String transport(ApplicationContext context) {
		return context.getBean(TransportResources.class).transport().displayName();
	}

	/**
	 * The endpoint's {@code server} section.
	 * @param context the runner's context
	 * @return the section
	 */
	static Map<String, Object> server(ApplicationContext context) {
		Map<String, Object> server = context.getBean(HyperlaneEndpoint.class).section("server");
		assertThat(server).isNotNull();
		return server;
	}

	/**
	 * One effective server setting as the endpoint shows it.
	 * @param context the runner's context
	 * @param property the property name
	 * @return value, source and the rest of its entry
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> setting(ApplicationContext context, String property) {
		SettingDescriptor setting = ((Map<String, SettingDescriptor>) server(context).get("settings")).get(property);
		assertThat(setting).as(property).isNotNull();
		return Map.of("value", setting.value(), "source", setting.source(), "reason", setting.reason());
	}

	/**
	 * The transports the attack tests run on, each by name for {@code hyperlane.transport.type}: io_uring, epoll and
	 * NIO, or those listed (comma-separated) in the system property {@code hyperlane.test.transports}, with which
	 * {@code benchmarks/hostile/soak.sh} runs one transport at a time.
	 * @return the transport names
	 */
	static Stream<String> transports() {
		return Stream.of(System.getProperty("hyperlane.test.transports", "io_uring,epoll,nio").split(","))
			.map(String::trim)
			.filter((name) -> !name.isEmpty());
	}

	/**
	 * The lines of captured output logged above DEBUG, but for the server's start and stop lines and the
	 * {@code MEASURED} lines the tests print.
	 * @param output captured output
	 * @return the lines
	 */
	static List<String> linesAboveDebug(String output) {
		List<String> lines = new ArrayList<>();
		for (String line : output.split("\n")) {
			if (!line.isBlank() && !line.contains(" DEBUG ") && !line.contains(" TRACE ")
					&& !line.contains("Netty started on port") && !line.contains("GracefulShutdown")
					&& !line.startsWith("MEASURED ")) {
				lines.add(line);
			}
		}
		return lines;
	}

}
