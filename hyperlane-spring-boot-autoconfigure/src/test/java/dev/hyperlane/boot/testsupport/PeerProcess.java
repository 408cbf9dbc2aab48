package dev.hyperlane.boot.testsupport;

import java.io.BufferedReader;
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
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * An external program started by a test peer, stopped with its whole process tree by {@link #stop()} and, as a
 * safety net, by a JVM shutdown hook when a test forgets to close its peer.
 * <p>
 * Standard error is merged into standard output, which a daemon thread drains line by line so that the program never
 * blocks on a full pipe. The lines are handed to {@link #nextLine(Duration)} (for programs that announce something,
 * such as the port they listen on) and the last few are kept for error messages.
 */
final class PeerProcess {

	private static final int KEPT_LINES = 50;

	private static final int QUEUED_LINES = 1000;

	private static final Duration GRACE = Duration.ofSeconds(5);

	private final String name;

	private final Process process;

	private final Runnable afterStop;

	private final Thread shutdownHook;

	private final BlockingQueue<String> lines = new LinkedBlockingQueue<>(QUEUED_LINES);

	private final Deque<String> lastLines = new ArrayDeque<>();

	private PeerProcess(String name, Process process, Runnable afterStop) {
		this.name = name;
		this.process = process;
		this.afterStop = afterStop;
		this.shutdownHook = new Thread(() -> {
			terminate(Duration.ofSeconds(2));
			afterStop.run();
		}, name + "-shutdown");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
		Thread reader = new Thread(this::drainOutput, name + "-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start a program.
	 * @param name a short name for threads and messages
	 * @param command the program and its arguments
	 * @return the running program
	 * @throws IOException when the program cannot be started
	 */
	static PeerProcess start(String name, List<String> command) throws IOException {
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
	static PeerProcess start(String name, List<String> command, Runnable afterStop) throws IOException {
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
		return new PeerProcess(name, builder.start(), afterStop);
	}

	/**
	 * Wait for the next line the program prints.
	 * @param timeout how long to wait
	 * @return the line, or {@code null} when none came in time
	 * @throws InterruptedException when interrupted while waiting
	 */
	@Nullable String nextLine(Duration timeout) throws InterruptedException {
		return this.lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	/**
	 * Write a line to the program's standard input.
	 * @param line the line, without its line break
	 * @throws IOException when the program no longer reads its input
	 */
	void writeLine(String line) throws IOException {
		OutputStream input = this.process.getOutputStream();
		input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		input.flush();
	}

	/**
	 * Return whether the program is still running.
	 * @return {@code true} while it runs
	 */
	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the program's process handle.
	 * @return the handle
	 */
	ProcessHandle handle() {
		return this.process.toHandle();
	}

	/**
	 * Return the last lines the program printed, for error messages.
	 * @return the lines joined by new lines
	 */
	String recentOutput() {
		synchronized (this.lastLines) {
			return String.join("\n", this.lastLines);
		}
	}

	/**
	 * Stop the program and every process it started: ask politely ({@code SIGTERM}), wait, then kill
	 * ({@code SIGKILL}) whatever is left; then run the clean-up given at start. Stopping twice does nothing more.
	 */
	void stop() {
		terminate(GRACE);
		this.afterStop.run();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// the JVM is shutting down: the hook runs anyway and finds nothing to do
		}
	}

	private void terminate(Duration grace) {
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
	 * Return a script on the test class path as a file a child process can run: the file itself, or a temporary
	 * copy when the class path entry is a jar.
	 * @param resource the script's class path location
	 * @param tempPrefix the prefix of a temporary copy's name
	 * @return the file
	 */
	static Path scriptFile(String resource, String tempPrefix) {
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
