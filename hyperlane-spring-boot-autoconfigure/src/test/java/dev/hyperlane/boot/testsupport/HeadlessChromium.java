package dev.hyperlane.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A real headless Chromium (Debian's {@code chromium} package, {@code /usr/bin/chromium}) driven by Playwright's
 * {@code playwright-core} from Node.js, for tests that look at a page as a person would: the page runs its own
 * JavaScript, draws, and is asserted on through its DOM and a screenshot.
 * <p>
 * {@code playwright-core} (no browser download of its own: it drives the installed Chromium) is installed with npm
 * into {@code target/playwright} the first time, at the version the build gives in the {@code playwright-core.version}
 * system property. Chromium runs with a fresh user data directory, without sandbox, GPU, QUIC, background
 * networking, component updates or sync, so it talks to nothing but the pages it is sent to.
 * <p>
 * Where Chromium, Node.js or npm is missing the test is skipped, except in CI ({@code CI=true}), where it fails
 * with a message naming what to install ({@code .ci/services} installs Chromium).
 */
public final class HeadlessChromium implements AutoCloseable {

	/** Where Debian's {@code chromium} package puts the browser. */
	public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final String SCRIPT = "testsupport/chromium-driver.js";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

	private static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(180);

	private static final ObjectMapper JSON = new ObjectMapper();

	private final PeerProcess process;

	private final Path userDataDir;

	private HeadlessChromium(PeerProcess process, Path userDataDir) {
		this.process = process;
		this.userDataDir = userDataDir;
	}

	/**
	 * Start Chromium.
	 * @return the running browser, with one blank page
	 * @throws IllegalStateException when the browser does not start
	 */
	public static HeadlessChromium start() {
		if (!Files.isExecutable(CHROMIUM)) {
			missing("Chromium is required for the live view browser tests and " + CHROMIUM + " is missing: install"
					+ " the Debian packages chromium and chromium-driver (.ci/services does)");
		}
		String node = executable("node");
		Path playwright = installPlaywright();
		Path userDataDir;
		try {
			userDataDir = Files.createTempDirectory("hyperlane-chromium-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		List<String> command = List.of(node, PeerProcess.scriptFile(SCRIPT, "chromium-driver").toString(), playwright.toString(), CHROMIUM.toString(),
				userDataDir.toString());
		PeerProcess process;
		try {
			process = PeerProcess.start("chromium", command, () -> PeerProcess.deleteRecursively(userDataDir));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not start " + command, ex);
		}
		HeadlessChromium browser = new HeadlessChromium(process, userDataDir);
		try {
			JsonNode ready = browser.result(START_TIMEOUT);
			if (!ready.path("ready").asBoolean()) {
				throw new IllegalStateException("Chromium did not start: " + ready + "\n" + process.recentOutput());
			}
			return browser;
		}
		catch (RuntimeException ex) {
			process.stop();
			throw ex;
		}
	}

	/**
	 * Load a page and wait for its load event.
	 * @param url the page
	 * @return the response's {@code status} and {@code headers}
	 */
	public JsonNode open(String url) {
		return command(Map.of("cmd", "open", "url", url), Duration.ofSeconds(20));
	}

	/**
	 * Wait until a JavaScript expression evaluated in the page is truthy.
	 * @param expression the expression
	 * @param timeout how long to wait
	 * @return the expression's value
	 * @throws AssertionError when it is not truthy in time, with the page's text
	 */
	public JsonNode waitFor(String expression, Duration timeout) {
		Map<String, Object> command = new LinkedHashMap<>();
		command.put("cmd", "waitFor");
		command.put("expression", expression);
		command.put("timeoutMs", timeout.toMillis());
		try {
			return command(command, timeout.plusSeconds(10));
		}
		catch (IllegalStateException ex) {
			throw new AssertionError("The page never satisfied " + expression + " within " + timeout.toSeconds()
					+ " s; it shows:\n" + evaluate("document.body.innerText").asText(), ex);
		}
	}

	/**
	 * Evaluate a JavaScript expression in the page.
	 * @param expression the expression; its value must be JSON-serializable
	 * @return its value
	 */
	public JsonNode evaluate(String expression) {
		return command(Map.of("cmd", "evaluate", "expression", expression), Duration.ofSeconds(20));
	}

	/**
	 * Save a full-page screenshot.
	 * @param file the PNG file to write
	 */
	public void screenshot(Path file) {
		command(Map.of("cmd", "screenshot", "path", file.toAbsolutePath().toString()), Duration.ofSeconds(30));
	}

	/**
	 * Return what went wrong in the page since it was opened: console errors, uncaught errors, and every request
	 * to another origin than the page's.
	 * @return {@code consoleErrors}, {@code pageErrors} and {@code foreignRequests}, each a list of strings
	 */
	public JsonNode report() {
		return command(Map.of("cmd", "report"), Duration.ofSeconds(10));
	}

	private JsonNode command(Map<String, Object> command, Duration timeout) {
		try {
			this.process.writeLine(JSON.writeValueAsString(command));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Chromium's driver is gone:\n" + this.process.recentOutput(), ex);
		}
		JsonNode result = result(timeout);
		if (!result.path("ok").asBoolean()) {
			throw new IllegalStateException("Chromium could not " + command.get("cmd") + ": "
					+ result.path("error").asText());
		}
		return result.path("value");
	}

	private JsonNode result(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		try {
			while (System.nanoTime() < deadline) {
				String line = this.process.nextLine(Duration.ofMillis(100));
				if (line != null && line.startsWith("RESULT ")) {
					return JSON.readTree(line.substring("RESULT ".length()));
				}
				if (line == null && !this.process.isAlive()) {
					break;
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new IllegalStateException("No answer from Chromium's driver within " + timeout.toSeconds()
				+ " s; its output:\n" + this.process.recentOutput());
	}

	@Override
	public void close() {
		this.process.stop();
		PeerProcess.deleteRecursively(this.userDataDir);
	}

	private static Path installPlaywright() {
		Path directory = Path.of(System.getProperty("basedir", "."), "target", "playwright").toAbsolutePath();
		Path module = directory.resolve("node_modules").resolve("playwright-core");
		String version = System.getProperty("playwright-core.version", "");
		String wanted = version.isEmpty() ? "playwright-core" : "playwright-core@" + version;
		if (Files.isRegularFile(module.resolve("package.json")) && installedVersion(module).equals(version)) {
			return module;
		}
		List<String> command = new ArrayList<>(List.of(executable("npm"), "install", "--no-save", "--no-audit",
				"--no-fund", "--no-package-lock", "--prefix", directory.toString(), wanted));
		try {
			Files.createDirectories(directory);
			Process npm = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(directory.resolve("npm-install.log").toFile())
				.start();
			npm.getOutputStream().close();
			if (!npm.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				npm.destroyForcibly();
			}
			if (npm.isAlive() || npm.exitValue() != 0 || !Files.isRegularFile(module.resolve("package.json"))) {
				missing("Could not install " + wanted + " with npm into " + directory + ":\n"
						+ Files.readString(directory.resolve("npm-install.log"), StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			missing("Could not run " + command + ": " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return module;
	}

	private static String installedVersion(Path module) {
		try {
			return JSON.readTree(module.resolve("package.json").toFile()).path("version").asText();
		}
		catch (RuntimeException ex) {
			return "";
		}
	}

	private static String executable(String name) {
		Optional<Path> found = PeerProcess.onPath(name);
		if (found.isEmpty()) {
			missing("'" + name + "' is required for the live view browser tests and is not on the PATH: install"
					+ " Node.js (Debian: nodejs, npm)");
		}
		return found.orElseThrow().toString();
	}

	private static void missing(String message) {
		if ("true".equalsIgnoreCase(System.getenv("CI"))) {
			throw new AssertionError(message);
		}
		Assumptions.abort(message + " (the test is skipped outside CI, and fails in CI)");
	}

}
