package dev.hyperlane.boot.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The starter turns Netty's io_uring multishot accept off before Netty's io_uring classes load (issue 14: with it on,
 * io_uring accepted every waiting connection at once under a flood and spun at the file-descriptor limit), checked in
 * a fresh JVM, where nothing has loaded them yet: a tiny application with {@code hyperlane.transport.type=auto}
 * started without the switch finds {@code io.netty.iouring.acceptMultiShotEnabled=false}, Netty reading it as off,
 * and runs on io_uring; started with the switch at {@code true} it keeps the application's value and {@code auto}
 * takes epoll.
 */
@Timeout(90)
class SingleAcceptStartUpTests {

	@ParameterizedTest(name = "-Dio.netty.iouring.acceptMultiShotEnabled={0}")
	@CsvSource({ "unset, false, false, io_uring", "true, true, true, epoll" })
	void multishotAcceptIsOffBeforeNettyReadsItUnlessTheApplicationSetIt(String given, String property,
			boolean nettyMultishot, String transport) throws Exception {
		assumeTrue(IoUring.isAvailable(), "io_uring available");
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Xmx128m", "-XX:TieredStopAtLevel=1"));
		if (!given.equals("unset")) {
			command.add("-Dio.netty.iouring.acceptMultiShotEnabled=" + given);
		}
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), App.class.getName()));
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<String> lines = new ArrayList<>();
		try (BufferedReader out = new BufferedReader(
				new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = out.readLine()) != null) {
				lines.add(line);
			}
		}
		finally {
			if (!child.waitFor(60, TimeUnit.SECONDS)) {
				child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
		}
		System.out.println("MEASURED child JVM, -Dio.netty.iouring.acceptMultiShotEnabled=" + given + ": " + lines
			.stream()
			.filter((line) -> line.startsWith("CHILD "))
			.toList());
		assertThat(lines).as("child output").contains("CHILD property " + property,
				"CHILD netty multishot accept " + nettyMultishot, "CHILD transport " + transport);
	}

	/** The application the child JVM runs: the server tests' configuration with {@code auto}, then it stops. */
	static final class App {

		public static void main(String[] args) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(TestServers.autoConfigurationsInOrder())
				.web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "hyperlane.transport.type=auto", "spring.main.banner-mode=off",
						"logging.level.root=ERROR", "spring.reactor.netty.shutdown-quiet-period=10ms")
				.run();
			System.out.println("CHILD property " + System.getProperty("io.netty.iouring.acceptMultiShotEnabled"));
			System.out.println("CHILD netty multishot accept " + IoUring.isAcceptMultishotEnabled());
			System.out.println("CHILD transport " + TestServers.transport(context));
			context.close();
		}

	}

}
