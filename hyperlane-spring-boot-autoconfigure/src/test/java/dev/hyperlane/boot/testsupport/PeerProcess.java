package dev.hyperlane.boot.testsupport;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;

/**
 * An external program a test starts (a peer such as Node.js or nginx, or a service in a JVM of its own), stopped
 * with its whole process tree by {@link #stop()} and, as a safety net, by a JVM shutdown hook when a test forgets to
 * close it. A test can also end it as an operating system would: {@link #kill()} sends {@code SIGKILL} (nothing in
 * the program runs), {@link #terminate()} sends {@code SIGTERM} (the program's shutdown hooks run).
 * <p>
 * Standard error is merged into standard output. Started with {@link #start(String, List, Runnable)}, a daemon thread
 * drains it line by line so that the program never blocks on a full pipe; the lines are handed to
 * {@link #nextLine(Duration)} (for programs that announce something, such as the port they listen on) and the last
 * {@value #KEPT_LINES} are kept for error messages. Started with {@link #startLogged(String, List, Path)}, the output
 * is appended to a log file instead (across restarts), and the last lines are read back from it.
 */
public final class PeerProcess implements AutoCloseable {

	private static final int KEPT_LINES = 60;

	private static final int QUEUED_LINES = 1000;

	private static final Duration GRACE = Duration.ofSeconds(5);

	private final String name;

	private final Process process;

	private final Runnable afterStop;

	private final Thread shutdownHook;

	private final @Nullable Path log;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(QUEUED_LINES);

	private final Deque<String> lastLines = new ArrayDeque<>();

	private PeerProcess(String name, Process process, Runnable afterStop, @Nullable Path log) {
		this.name = name;
		this.process = process;
		this.afterStop = afterStop;
		this.log = log;
		this.shutdownHook = new Thread(() -> {
			stop(Duration.ofSeconds(2));
			afterStop.run();
		}, name + "-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		if (log == null) {
			Thread reader = new Thread(this::drainOutput, name + "-output");
			reader.setDaemon(true);
			reader.start();
		}
	}

	/**
	 * Start a program.
	 * @param name a short name for threads and messages
	 * @param command the program and its arguments
	 * @return the running program
	 * @throws IOException when the program cannot be started
	 */
	public static PeerProcess start(String name, List<String> command) throws IOException {
		return start(name, command, () -> {
		});
	}

	/**
	 * Start a program that leaves something behind to clean up once it has stopped.
	 * @param name a short name for threads and messages
	 * @param command the program and its arguments
	 * @param afterStop what to do once the program has stopped, by {@link #stop()} or by the shutdown hook, such as
	 * deleting its working directory
	 * @return the running program
	 * @throws IOException when the program cannot be started
	 */
	public static PeerProcess start(String name, List<String> command, Runnable afterStop) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		return new PeerProcess(name, builder.start(), afterStop, null);
	}

	/**
	 * Start a program whose output is appended to a log file, for programs that log a lot and whose log a test
	 * reads afterwards (a service in a JVM of its own). {@link #nextLine(Duration)} has nothing to return then.
	 * @param name a short name for threads and messages
	 * @param command the program and its arguments
	 * @param log the file the output is appended to (created with its directories when missing)
	 * @return the running program
	 * @throws IOException when the log cannot be written or the program cannot be started
	 */
	public static PeerProcess startLogged(String name, List<String> command, Path log) throws IOException {
		Path directory = log.toAbsolutePath().getParent();
		if (directory != null) {
			Files.createDirectories(directory);
		}
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
		return new PeerProcess(name, builder.start(), () -> {
		}, log);
	}

	/**
	 * Wait for the next line the program prints.
	 * @param timeout how long to wait
	 * @return the line, or {@code null} when none came in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	public @Nullable String nextLine(Duration timeout) throws InterruptedException {
		return this.lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Write a line to the program's standard input.
	 * @param line the line, without its line break
	 * @throws IOException when the program no longer reads its input
	 */
	public void writeLine(String line) throws IOException {
		OutputStream input = this.process.getOutputStream();
		input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		input.flush();
	}

	/**
	 * Return whether the program is still running.
	 * @return {@code true} while it runs
	 */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the program's process handle.
	 * @return the handle
	 */
	public ProcessHandle handle() {
		return this.process.toHandle();
	}

	/**
	 * Return the last lines the program printed, for error messages.
	 * @return up to {@value #KEPT_LINES} lines joined by new lines
	 */
	public String recentOutput() {
		if (this.log != null) {
			try {
				List<String> all = Files.readAllLines(this.log, StandardCharsets.UTF_8);
				return String.join("\n", all.subList(Math.max(0, all.size() - KEPT_LINES), all.size()));
			}
			catch (IOException | UncheckedIOException ex) {
				return "(no log at " + this.log + ": " + ex + ")";
			}
		}
		synchronized (this.lastLines) {
			return String.join("\n", this.lastLines);
		}
	}

	/**
	 * Send {@code SIGKILL} to the program and every process it started, and wait until they are gone (30 s at
	 * most).
	 */
	public void kill() {
		List<ProcessHandle> descendants = this.process.descendants().toList();
		this.process.destroyForcibly();
		descendants.forEach(ProcessHandle::destroyForcibly);
		awaitExit(Duration.ofSeconds(30));
	}

	/**
	 * Send {@code SIGTERM} to the program and return at once; the program shuts down as it does when asked to.
	 */
	public void terminate() {
		this.process.destroy();
	}

	/**
	 * Wait for the program to end.
	 * @param timeout the longest wait
	 * @return whether it ended
	 */
	public boolean awaitExit(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Return the program's exit value.
	 * @return the exit value
	 * @throws IllegalThreadStateException when it is still running
	 */
	public int exitValue() {
		return this.process.exitValue();
	}

	/**
	 * {@link #stop() Stop} the program.
	 */
	@Override
	public void close() {
		stop();
	}

	/**
	 * Stop the program and every process it started: ask politely ({@code SIGTERM}), wait, then kill
	 * ({@code SIGKILL}) whatever is left; then run the clean-up given at start. Stopping twice does nothing more.
	 */
	public void stop() {
		stop(GRACE);
		this.afterStop.run();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs anyway and finds nothing to do
		}
	}

	private void stop(Duration grace) {
		// Snapshot the children first: once the parent is gone they are re-parented and no longer its descendants.
		List<ProcessHandle> descendants = this.process.descendants().toList();
		this.process.destroy();
		try {
			if (!this.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
			}
			for (ProcessHandle descendant : descendants) {
				if (descendant.isAlive()) {
					descendant.destroyForcibly();
					descendant.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
			descendants.forEach(ProcessHandle::destroyForcibly);
		}
		catch (Exception ex) {
			descendants.forEach(ProcessHandle::destroyForcibly);
		}
	}

	private void drainOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				this.lines.offer(line);
				synchronized (this.lastLines) {
					if (this.lastLines.size() == KEPT_LINES) {
						this.lastLines.removeFirst();
					}
					this.lastLines.addLast(line);
				}
			}
		}
		catch (IOException ex) {
			// the process ended
		}
	}

	@Override
	public String toString() {
		return this.name + " (pid " + this.process.pid() + ")";
	}

	/**
	 * Find a program on the {@code PATH}.
	 * @param name the program's file name
	 * @return the first regular, executable file of that name in a {@code PATH} directory, or empty
	 */
	public static Optional<Path> onPath(String name) {
		String path = System.getenv("PATH");
		if (path != null) {
			for (String directory : path.split(File.pathSeparator)) {
				Path candidate = directory.isEmpty() ? null : Path.of(directory, name);
				if (candidate != null && Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return Optional.of(candidate);
				}
			}
		}
		return Optional.empty();
	}

	/**
	 * Delete a directory a program worked in, with everything in it; a directory that cannot be deleted is left
	 * behind (a leftover temporary directory is harmless).
	 * @param directory the directory
	 */
	public static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// left behind
		}
	}

	/**
	 * Return a script on the test class path as a file a child process can run: the file itself, or a temporary
	 * copy when the class path entry is a jar.
	 * @param resource the script's class path location
	 * @param tempPrefix the prefix of a temporary copy's name
	 * @return the file
	 */
	public static Path scriptFile(String resource, String tempPrefix) {
		URL url = PeerProcess.class.getClassLoader().getResource(resource);
		if (url == null) {
			throw new IllegalStateException(resource + " is not on the test class path");
		}
		try {
			if ("file".equals(url.getProtocol())) {
				return Path.of(url.toURI());
			}
			Path copy = Files.createTempFile(tempPrefix, ".js");
			copy.toFile().deleteOnExit();
			try (InputStream in = url.openStream()) {
				Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
			}
			return copy;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + resource, ex);
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
