package dev.hyperlane.boot.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A real Node.js {@code http} server on {@code 127.0.0.1}, for client tests that need a peer that is not Netty: its
 * keep-alive handling is Node's own, so an idle pooled connection is closed by the server exactly as it would be in
 * production, and the peer counts the requests it saw so that a test can prove a request was (or was not) sent twice.
 * <p>
 * The server script is {@code testsupport/node-peer.js} on the test class path. It listens on a port the operating
 * system assigns and prints it; this class reads it. Routes:
 * <ul>
 * <li>{@code GET /hello}: {@code 200} with {@code {"hello":"world"}}</li>
 * <li>{@code POST /echo}: {@code 200} with the request body and content type</li>
 * <li>{@code GET /slow?ms=N}: {@code 200} with {@code slept N}, sent after {@code N} milliseconds</li>
 * <li>{@code GET /pause?ms=N&type=T}: {@code 200} with {@code Content-Type: T} (default
 * {@code application/octet-stream}), chunked: a first part at once, the second {@code N} milliseconds later; the
 * parts are the server-sent events {@code data: one} and {@code data: two} for {@code text/event-stream}, else the
 * lines {@code one} and {@code two}</li>
 * <li>{@code GET /__count?path=/x}: how many requests {@code /x} has seen, as plain text (see
 * {@link #requestCount(String)})</li>
 * <li>anything else: counted, then {@code 404}</li>
 * </ul>
 * <p>
 * Unless {@link #start(Duration)} overrides it, Node's default {@code keepAliveTimeout} of 5 seconds applies and every
 * response carries {@code Connection: keep-alive} and {@code Keep-Alive: timeout=5}. Note that Node 20 closes an idle
 * keep-alive connection about one second <em>later</em> than it advertises (it arms the socket timeout with
 * {@code keepAliveTimeout} plus a fixed 1000 ms buffer), so with the default the server closes after about 6 seconds.
 * <p>
 * {@link #close()} stops the process; a JVM shutdown hook does the same for a peer that was never closed, and the
 * script exits by itself when the standard input it shares with the JVM closes.
 */
public final class NodePeer implements AutoCloseable {

	/** Node's default {@code server.keepAliveTimeout}. */
	public static final Duration DEFAULT_KEEP_ALIVE_TIMEOUT = Duration.ofSeconds(5);

	private static final String SCRIPT = "testsupport/node-peer.js";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

	private static final int HTTP_TIMEOUT_MILLIS = 5000;

	private final PeerProcess process;

	private final int port;

	private final Duration keepAliveTimeout;

	private NodePeer(PeerProcess process, int port, Duration keepAliveTimeout) {
		this.process = process;
		this.port = port;
		this.keepAliveTimeout = keepAliveTimeout;
	}

	/**
	 * Start a peer with Node's default keep-alive timeout of 5 seconds.
	 * @return the running peer
	 * @throws IllegalStateException when Node.js is not installed or the server does not start
	 */
	public static NodePeer start() {
		return start(null);
	}

	/**
	 * Start a peer whose {@code server.keepAliveTimeout} is the given duration.
	 * @param keepAliveTimeout the keep-alive timeout (whole milliseconds), or {@code null} for Node's default
	 * @return the running peer
	 * @throws IllegalStateException when Node.js is not installed or the server does not start
	 */
	public static NodePeer start(@Nullable Duration keepAliveTimeout) {
		List<String> command = new ArrayList<>(List.of(findNode(), PeerProcess.scriptFile(SCRIPT, "node-peer").toString()));
		if (keepAliveTimeout != null) {
			command.add(Long.toString(keepAliveTimeout.toMillis()));
		}
		PeerProcess process;
		try {
			process = PeerProcess.start("node-peer", command);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + command, ex);
		}
		try {
			int port = awaitPort(process);
			return new NodePeer(process, port, (keepAliveTimeout != null) ? keepAliveTimeout : DEFAULT_KEEP_ALIVE_TIMEOUT);
		}
		catch (RuntimeException ex) {
			process.stop();
			throw ex;
		}
	}

	private static int awaitPort(PeerProcess process) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				String line = process.nextLine(Duration.ofMillis(100));
				if (line != null && line.startsWith("LISTENING ")) {
					return Integer.parseInt(line.substring("LISTENING ".length()).trim());
				}
				if (line == null && !process.isAlive()) {
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new IllegalStateException(
				"The Node.js peer did not report its port within " + STARTUP_TIMEOUT.toSeconds() + " s; its output:\n"
						+ process.recentOutput());
	}

	/**
	 * Return the port the server listens on.
	 * @return the port on {@code 127.0.0.1}
	 */
	public int port() {
		return this.port;
	}

	/**
	 * Return the base URL of the server.
	 * @return {@code http://127.0.0.1:<port>}, without a trailing slash
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/**
	 * Return the keep-alive timeout the server advertises ({@code Keep-Alive: timeout=<whole seconds>}).
	 * @return the timeout
	 */
	public Duration keepAliveTimeout() {
		return this.keepAliveTimeout;
	}

	/**
	 * Ask the server how many requests it has received for a path so far, whatever their method or outcome. A
	 * request is counted as soon as its head arrives, before its body is read or it is answered.
	 * @param path the path without query, such as {@code /echo}
	 * @return the number of requests seen
	 */
	public int requestCount(String path) {
		String target = baseUrl() + "/__count?path=" + URLEncoder.encode(path, StandardCharsets.UTF_8);
		try {
			URL url = new URI(target).toURL();
			HttpURLConnection connection = (HttpURLConnection) url.openConnection();
			connection.setConnectTimeout(HTTP_TIMEOUT_MILLIS);
			connection.setReadTimeout(HTTP_TIMEOUT_MILLIS);
			connection.setRequestProperty("Connection", "close");
			try (InputStream in = connection.getInputStream()) {
				return Integer.parseInt(new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
			}
			finally {
				connection.disconnect();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read the request count from " + target, ex);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

	/**
	 * Return whether the server process is still running.
	 * @return {@code true} while it runs
	 */
	public boolean isRunning() {
		return this.process.isAlive();
	}

	/**
	 * Stop the server: terminate the process, wait, then kill it if it is still there.
	 */
	@Override
	public void close() {
		this.process.stop();
	}

	@Override
	public String toString() {
		return "NodePeer " + baseUrl() + " " + this.process;
	}

	private static String findNode() {
		return PeerProcess.onPath("node")
			.orElseThrow(() -> new IllegalStateException(
					"Node.js is required for the client peer tests: install nodejs (no 'node' executable on the PATH)"))
			.toString();
	}

}
