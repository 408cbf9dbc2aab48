package dev.hyperlane.boot.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real nginx on {@code 127.0.0.1}, for client tests that need the keep-alive behaviour of the most common reverse
 * proxy: nginx closes a keep-alive connection that stayed idle for {@code keepalive_timeout}, and, unlike Node.js, does
 * not announce the timeout in a {@code Keep-Alive} header, so a client cannot learn it from the responses.
 * <p>
 * The peer runs the Debian {@code nginx} package's binary ({@code /usr/sbin/nginx}, or {@code nginx} on the
 * {@code PATH}) in the foreground with a generated configuration and a temporary prefix that holds everything nginx
 * writes: configuration, pid and lock files, the error and access logs and every temporary directory
 * ({@code client_body_temp_path} and the proxy, FastCGI, uWSGI and SCGI ones), so nothing under {@code /var} is
 * needed. Workers run as the current user. One server listens on a free port and answers {@code GET /hello} with
 * {@code 200 {"ok":true}} as {@code application/json}.
 * <p>
 * {@link #close()} stops the master process and its workers and deletes the prefix; a JVM shutdown hook stops them
 * for a peer that was never closed.
 */
public final class NginxPeer implements AutoCloseable {

	/** The body {@code GET /hello} answers with. */
	public static final String HELLO_BODY = "{\"ok\":true}";

	private static final String MISSING = "nginx is required for the client peer tests: install the Debian package "
			+ "nginx (apt-get install -y nginx)";

	private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(10);

	private static final int BIND_ATTEMPTS = 3;

	private final PeerProcess process;

	private final Path prefix;

	private final int port;

	private final Duration keepaliveTimeout;

	private NginxPeer(PeerProcess process, Path prefix, int port, Duration keepaliveTimeout) {
		this.process = process;
		this.prefix = prefix;
		this.port = port;
		this.keepaliveTimeout = keepaliveTimeout;
	}

	/**
	 * Start nginx with the given {@code keepalive_timeout}.
	 * @param keepaliveTimeout how long nginx keeps an idle keep-alive connection open (milliseconds precision);
	 * zero disables keep-alive
	 * @return the running peer, already answering on its port
	 * @throws IllegalStateException when nginx is not installed or does not start
	 */
	public static NginxPeer start(Duration keepaliveTimeout) {
		if (keepaliveTimeout.isNegative()) {
			throw new IllegalArgumentException("keepaliveTimeout must not be negative");
		}
		String nginx = findNginx();
		Path prefix;
		try {
			prefix = Files.createTempDirectory("nginx-peer");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not create a prefix directory for nginx", ex);
		}
		String failure = "";
		for (int attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
			int port = FreePort.find();
			PeerProcess process = null;
			try {
				Path conf = writeConfiguration(prefix, port, keepaliveTimeout);
				process = PeerProcess.start("nginx-peer",
						List.of(nginx, "-p", prefix + File.separator, "-c", conf.toString(), "-e",
								prefix.resolve("logs/error.log").toString(), "-g", "daemon off;"),
						() -> PeerProcess.deleteRecursively(prefix));
				if (awaitPort(process, port)) {
					return new NginxPeer(process, prefix, port, keepaliveTimeout);
				}
				failure = process.recentOutput() + "\n" + readErrorLog(prefix);
				process.stop();
				if (!failure.contains("Address already in use")) {
					break;
				}
			}
			catch (IOException | RuntimeException ex) {
				if (process != null) {
					process.stop();
				}
				PeerProcess.deleteRecursively(prefix);
				throw new IllegalStateException("Could not start nginx", ex);
			}
		}
		PeerProcess.deleteRecursively(prefix);
		throw new IllegalStateException("nginx exited or did not answer within " + STARTUP_TIMEOUT.toSeconds()
				+ " s; its output and error log:\n" + failure);
	}

	private static boolean awaitPort(PeerProcess process, int port) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline && process.isAlive()) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
				return process.isAlive();
			}
			catch (IOException ex) {
				// not listening yet
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return false;
	}

	private static Path writeConfiguration(Path prefix, int port, Duration keepaliveTimeout) throws IOException {
		Path logs = Files.createDirectories(prefix.resolve("logs"));
		Path temp = Files.createDirectories(prefix.resolve("temp"));
		Path conf = Files.createDirectories(prefix.resolve("conf")).resolve("nginx.conf");
		boolean root = "root".equals(System.getProperty("user.name"));
		String text = """
				# Generated by NginxPeer: every path nginx writes is under %1$s
				%2$s
				worker_processes 1;
				pid %3$s/nginx.pid;
				lock_file %3$s/nginx.lock;
				error_log %3$s/error.log warn;

				events {
					worker_connections 256;
				}

				http {
					access_log %3$s/access.log;
					client_body_temp_path %4$s/client_body;
					proxy_temp_path %4$s/proxy;
					fastcgi_temp_path %4$s/fastcgi;
					uwsgi_temp_path %4$s/uwsgi;
					scgi_temp_path %4$s/scgi;
					keepalive_timeout %5$dms;

					server {
						listen 127.0.0.1:%6$d;
						server_name localhost;
						default_type application/json;

						location /hello {
							return 200 '%7$s';
						}
					}
				}
				""".formatted(prefix, root ? "user root root;" : "# workers run as the user that started nginx",
				logs, temp, keepaliveTimeout.toMillis(), port, HELLO_BODY);
		Files.writeString(conf, text, StandardCharsets.UTF_8);
		return conf;
	}

	/**
	 * Return the port nginx listens on.
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
	 * Return the configured {@code keepalive_timeout}.
	 * @return the timeout
	 */
	public Duration keepaliveTimeout() {
		return this.keepaliveTimeout;
	}

	/**
	 * Return the temporary prefix that holds nginx's configuration, logs and temporary files (deleted by
	 * {@link #close()}).
	 * @return the prefix directory
	 */
	public Path prefix() {
		return this.prefix;
	}

	/**
	 * Return the access log, one line per request nginx answered.
	 * @return the access log file
	 */
	public Path accessLog() {
		return this.prefix.resolve("logs/access.log");
	}

	/**
	 * Return the nginx master process; its workers are its {@link ProcessHandle#children() children}.
	 * @return the master process
	 */
	public ProcessHandle masterProcess() {
		return this.process.handle();
	}

	/**
	 * Return whether the nginx master process is still running.
	 * @return {@code true} while it runs
	 */
	public boolean isRunning() {
		return this.process.isAlive();
	}

	/**
	 * Stop nginx (fast shutdown of the master, which stops its workers; anything left is killed) and delete the
	 * prefix.
	 */
	@Override
	public void close() {
		this.process.stop();
	}

	@Override
	public String toString() {
		return "NginxPeer " + baseUrl() + " " + this.process;
	}

	private static String findNginx() {
		Path sbin = Path.of("/usr/sbin/nginx");
		if (Files.isExecutable(sbin)) {
			return sbin.toString();
		}
		return PeerProcess.onPath("nginx").orElseThrow(() -> new IllegalStateException(MISSING)).toString();
	}

	private static String readErrorLog(Path prefix) {
		try {
			Path log = prefix.resolve("logs/error.log");
			return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
		}
		catch (IOException ex) {
			return "(error log unreadable: " + ex.getMessage() + ")";
		}
	}

}
