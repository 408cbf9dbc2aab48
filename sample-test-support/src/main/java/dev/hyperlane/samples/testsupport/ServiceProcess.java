package dev.hyperlane.samples.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.testsupport.FreePort;
import dev.hyperlane.boot.testsupport.PeerProcess;

/**
 * A Spring Boot service run as a separate JVM (on this JVM's class path, or from its executable jar), so a test can
 * end it as an operating system would: {@link #kill()} sends SIGKILL, nothing in the service runs;
 * {@link #terminate()} sends SIGTERM, Spring's shutdown hook runs its graceful shutdown. The JVM is kept small
 * ({@code -Xmx256m}, the C1 compiler only, the serial collector) and writes its output to a log file the test names.
 * The process itself is the starter's shared test {@link PeerProcess} (killed by a shutdown hook when this JVM ends
 * first); this class adds the JVM's command line and the service's readiness.
 */
public final class ServiceProcess implements AutoCloseable {

	private static final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(2))
		.build();

	private final String name;

	private final int port;

	private final PeerProcess process;

	private ServiceProcess(String name, int port, PeerProcess process) {
		this.name = name;
		this.port = port;
		this.process = process;
	}

	/**
	 * Start a service's main class in a new JVM with {@code --server.port=<port>} and the given arguments.
	 * @param name the name in messages and in the log file's name
	 * @param mainClass the class with the {@code main} method
	 * @param port the HTTP port, such as one from {@link FreePort#find()}
	 * @param logDirectory where {@code <name>.log} is written (appended to, across restarts)
	 * @param arguments further command-line arguments, {@code --name=value}
	 * @return the started process; wait for it with {@link #awaitReady(Duration)}
	 */
	public static ServiceProcess start(String name, Class<?> mainClass, int port, Path logDirectory,
			List<String> arguments) {
		// surefire's manifest-only jar names the real entries in its Class-Path, which a new JVM follows too
		return launch(name, List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()), port,
				logDirectory, arguments);
	}

	/**
	 * Start a runnable jar (Spring Boot's executable jar) in a new JVM with the given system properties,
	 * {@code --server.port=<port>} and the given arguments; the JVM is kept as small as by
	 * {@link #start(String, Class, int, Path, List)}.
	 * @param name the name in messages and in the log file's name
	 * @param jar the jar to run with {@code java -jar}
	 * @param systemProperties JVM options placed before {@code -jar}, such as {@code -Dspring.aot.enabled=true}
	 * @param port the HTTP port, such as one from {@link FreePort#find()}
	 * @param logDirectory where {@code <name>.log} is written (appended to, across restarts)
	 * @param arguments further command-line arguments, {@code --name=value}
	 * @return the started process; wait for it with {@link #awaitReady(Duration)}
	 */
	public static ServiceProcess startJar(String name, Path jar, List<String> systemProperties, int port,
			Path logDirectory, List<String> arguments) {
		List<String> launch = new ArrayList<>(systemProperties);
		launch.addAll(List.of("-jar", jar.toString()));
		return launch(name, launch, port, logDirectory, arguments);
	}

	private static ServiceProcess launch(String name, List<String> launch, int port, Path logDirectory,
			List<String> arguments) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(List.of("-Xmx256m", "-Xss512k", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
				"-Dfile.encoding=UTF-8"));
		command.addAll(launch);
		command.add("--server.port=" + port);
		command.addAll(arguments);
		try {
			Files.createDirectories(logDirectory);
			Path log = logDirectory.resolve(name + ".log");
			Files.writeString(log, "\n=== " + String.join(" ", command.subList(command.size() - arguments.size() - 2,
					command.size())) + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
					StandardOpenOption.APPEND);
			return new ServiceProcess(name, port, PeerProcess.startLogged(name, command, log));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + name, ex);
		}
	}

	/**
	 * Wait until {@code /actuator/health/readiness} answers 200.
	 * @param timeout the longest wait
	 * @throws IllegalStateException when the process ends or the time is up, with the end of its log
	 */
	public void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException(this.name + " ended with " + this.process.exitValue() + ":\n" + logTail());
			}
			if (readiness() == 200) {
				return;
			}
			sleep(200);
		}
		throw new IllegalStateException(this.name + " not ready after " + timeout + ":\n" + logTail());
	}

	/**
	 * The status of {@code GET /actuator/health/readiness}.
	 * @return 200 (UP), 503 (OUT_OF_SERVICE or DOWN), or -1 when the connection was refused, reset or timed out
	 */
	public int readiness() {
		try {
			return http
				.send(HttpRequest.newBuilder(uri("/actuator/health/readiness")).timeout(Duration.ofSeconds(2)).build(),
						HttpResponse.BodyHandlers.discarding())
				.statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/**
	 * An address on the service.
	 * @param path the path, starting with {@code /}
	 * @return {@code http://127.0.0.1:<port><path>}
	 */
	public URI uri(String path) {
		return URI.create("http://127.0.0.1:" + this.port + path);
	}

	/**
	 * Send SIGKILL and wait until the process is gone.
	 */
	public void kill() {
		this.process.kill();
	}

	/**
	 * Send SIGTERM and return at once; the service shuts down gracefully.
	 */
	public void terminate() {
		this.process.terminate();
	}

	/**
	 * Wait for the process to end.
	 * @param timeout the longest wait
	 * @return whether it ended
	 */
	public boolean awaitExit(Duration timeout) {
		return this.process.awaitExit(timeout);
	}

	/**
	 * The operating system process.
	 * @return the process
	 */
	public PeerProcess process() {
		return this.process;
	}

	/**
	 * The HTTP port.
	 * @return the port
	 */
	public int port() {
		return this.port;
	}

	/**
	 * The last lines of the process's log.
	 * @return up to 60 lines
	 */
	public String logTail() {
		return this.process.recentOutput();
	}

	/**
	 * Kill the process when it is still running.
	 */
	@Override
	public void close() {
		if (this.process.isAlive()) {
			kill();
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
