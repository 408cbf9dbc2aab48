package dev.hyperlane.benchmark.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;

/**
 * The registry-scale benchmark's entry point; {@code benchmarks/registry/scale.sh} runs it. Modes:
 * <ul>
 * <li>{@code servers <count> <ports-file> <seconds>}: the instances' servers ({@link Backends});</li>
 * <li>{@code choice <warm-up-seconds> <window-ms> <repetitions> <out>}: time per choice ({@link ChoiceTime});</li>
 * <li>{@code memory <ports-file> <repetitions> <out>}: memory and endpoint size per instance
 * ({@link MemoryPerInstance});</li>
 * <li>{@code churn <ports-file> <churn-minutes> <churn-minute-ms> <out>}: churn and residue ({@link Churn}).</li>
 * </ul>
 * Results are appended to {@code <out>} as Markdown.
 */
public final class RegistryScale {

	private RegistryScale() {
	}

	public static void main(String[] args) throws Exception {
		String mode = args[0];
		List<String> lines;
		switch (mode) {
			case "servers" -> {
				Backends.run(Integer.parseInt(args[1]), Path.of(args[2]), Duration.ofSeconds(Long.parseLong(args[3])));
				return;
			}
			case "choice" -> lines = ChoiceTime.run(Duration.ofSeconds(Long.parseLong(args[1])),
					Duration.ofMillis(Long.parseLong(args[2])), Integer.parseInt(args[3]));
			case "memory" -> lines = MemoryPerInstance.run(ports(Path.of(args[1])), Integer.parseInt(args[2]));
			case "churn" -> lines = Churn.run(ports(Path.of(args[1])), Integer.parseInt(args[2]),
					Duration.ofMillis(Long.parseLong(args[3])));
			default -> throw new IllegalArgumentException("Unknown mode '" + mode + "'; use servers, choice, memory"
					+ " or churn");
		}
		Path out = Path.of(args[args.length - 1]);
		Files.write(out, lines, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		lines.forEach(System.out::println);
		System.exit(0);
	}

	private static int[] ports(Path file) throws IOException {
		return Files.readAllLines(file).stream().filter((line) -> !line.isBlank()).mapToInt(Integer::parseInt)
			.toArray();
	}

}
