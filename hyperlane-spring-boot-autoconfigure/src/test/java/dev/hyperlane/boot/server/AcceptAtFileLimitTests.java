package dev.hyperlane.boot.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A server at its file-descriptor limit (issue 14 item 7): a child JVM started under {@code ulimit -n 256} with the
 * connection cap off ({@code max-connections=-1}) gets 400 connections, so accepting fails with {@code EMFILE} while
 * the backlog is full, and the CPU the child then uses over 3 s is read from {@code /proc/<pid>/stat}. On epoll
 * Reactor Netty's acceptor pauses accepting for 1 s after an accept error. On io_uring Netty 4.2's multishot accept
 * is armed again at once after the error, whatever {@code autoRead} says, and a core spins; with
 * {@code -Dio.netty.iouring.acceptMultiShotEnabled=false} (Netty's own switch; a JVM-wide system property, so the
 * starter documents it rather than setting it) each accept is armed once, through the same {@code autoRead} path
 * as epoll, and the pause holds. The multishot case is measured and printed, not asserted (it is Netty's behaviour,
 * which a later Netty may fix).
 */
@Timeout(120)
class AcceptAtFileLimitTests {

	private static final int FILE_LIMIT = 256;

	private static final int CONNECTIONS = 400;

	@ParameterizedTest(name = "{0} multishot accept {1}")
	@CsvSource({ "epoll, true", "nio, true", "io_uring, false", "io_uring, true" })
	void serverAtItsFileLimitDoesNotSpin(String transport, boolean multishot) throws Exception {
		assumeTrue(Files.isDirectory(Path.of("/proc/self")), "reads /proc");
		assumeTrue(!transport.equals("io_uring") || IoUring.isAvailable(), "io_uring available");
		List<String> command = List.of("bash", "-c", "ulimit -n " + FILE_LIMIT + " && exec \"$0\" \"$@\"",
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
				"-Dio.netty.iouring.acceptMultiShotEnabled=" + multishot, "-cp", System.getProperty("java.class.path"),
				Server.class.getName(), transport);
		Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
		List<Socket> sockets = new ArrayList<>();
		try {
			BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
			int port = awaitPort(out);
			Thread drain = new Thread(() -> out.lines().forEach((line) -> { }), "child-output");
			drain.setDaemon(true);
			drain.start();
			for (int i = 0; i < CONNECTIONS; i++) {
				Socket socket = new Socket();
				socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
				sockets.add(socket);
			}
			Thread.sleep(1000);
			long before = cpuTicks(child.pid());
			long start = System.nanoTime();
			Thread.sleep(3000);
			double cores = (cpuTicks(child.pid()) - before) / 100.0 / ((System.nanoTime() - start) / 1e9);
			System.out.printf("MEASURED %s multishot=%s at the file limit: %.2f cores%n", transport, multishot, cores);
			if (!multishot || !transport.equals("io_uring")) {
				assertThat(cores).as("CPU of a server at its file limit, in cores").isLessThan(0.3);
			}
		}
		finally {
			for (Socket socket : sockets) {
				socket.close();
			}
			child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
		}
	}

	private static int awaitPort(BufferedReader out) throws IOException {
		String line;
		List<String> seen = new ArrayList<>();
		while ((line = out.readLine()) != null) {
			if (line.startsWith("PORT ")) {
				return Integer.parseInt(line.substring(5).trim());
			}
			seen.add(line);
		}
		throw new IllegalStateException("child ended before its port: " + seen);
	}

	/** User and system CPU of a process, in clock ticks (1/100 s on Linux). */
	private static long cpuTicks(long pid) throws IOException {
		String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	/** The server the child JVM runs: the server tests' configuration, the transport given, no connection cap. */
	static final class Server {

		public static void main(String[] args) {
			ConfigurableApplicationContext context = new SpringApplicationBuilder(TestServers.autoConfigurationsInOrder())
				.web(WebApplicationType.REACTIVE)
				.properties("server.port=0", "hyperlane.transport.type=" + args[0],
						"hyperlane.server.max-connections=-1", "spring.main.banner-mode=off",
						"logging.level.root=ERROR")
				.run();
			int port = ((ReactiveWebServerApplicationContext) context).getWebServer().getPort();
			System.out.println("PORT " + port);
		}

	}

}
