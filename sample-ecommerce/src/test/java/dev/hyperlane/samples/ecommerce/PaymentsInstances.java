package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import dev.hyperlane.samples.payments.PaymentsApplication;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts real sample-payments instances in this JVM on port 0, each with the payments sample's own
 * {@code application.yml} (both samples are on this class path, and the storefront's file of the same name comes
 * first), so they run as the payments jar would.
 */
final class PaymentsInstances {

	private PaymentsInstances() {
	}

	/**
	 * Start one instance.
	 * @param sources extra configuration classes
	 * @param arguments extra command-line arguments, {@code --name=value}
	 * @return the running instance
	 */
	static ConfigurableApplicationContext start(List<Class<?>> sources, String... arguments) {
		List<Class<?>> all = new ArrayList<>(List.of(PaymentsApplication.class));
		all.addAll(sources);
		List<String> args = new ArrayList<>(List.of("--spring.config.location=" + configuration(),
				"--server.port=0", "--spring.reactor.netty.shutdown-quiet-period=0s"));
		args.addAll(List.of(arguments));
		// command-line arguments: above the configuration file, as for a real instance
		return new SpringApplicationBuilder(all.toArray(new Class<?>[0])).run(args.toArray(new String[0]));
	}

	static int port(ConfigurableApplicationContext context) {
		return ((WebServerApplicationContext) context).getWebServer().getPort();
	}

	/**
	 * The text of sample-payments' {@code application.yml}.
	 */
	static String configurationText() {
		try {
			for (URL candidate : Collections
				.list(PaymentsApplication.class.getClassLoader().getResources("application.yml"))) {
				try (InputStream in = candidate.openStream()) {
					String content = new String(in.readAllBytes(), StandardCharsets.UTF_8);
					if (content.contains("name: sample-payments")) {
						return content;
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		throw new IllegalStateException("sample-payments' application.yml is not on the class path");
	}

	private static String configuration() {
		try {
			Path copy = Files.createTempFile("sample-payments-", ".yml");
			copy.toFile().deleteOnExit();
			Files.writeString(copy, configurationText());
			return "file:" + copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
