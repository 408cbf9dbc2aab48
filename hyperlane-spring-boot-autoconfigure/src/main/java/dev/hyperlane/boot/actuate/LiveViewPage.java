package dev.hyperlane.boot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hyperlane.boot.HyperlaneSettingException;

/**
 * The live view page: one HTML document with its CSS and JavaScript inline and nothing else, which polls the
 * {@code hyperlane} endpoint (a URL relative to the page, so it follows the management base path, the management
 * port and the endpoint's path mapping) and draws what it reads as SVG charts. The page keeps its history in the
 * browser's memory only; the application keeps nothing for it.
 * <p>
 * The page comes with a {@link #contentSecurityPolicy() Content-Security-Policy} that allows only its own inline
 * script and style (by their SHA-256 hashes) and requests to its own origin: the browser loads nothing from
 * anywhere else.
 * <p>
 * Defaults: a read every 2 s and 5 minutes of history (150 reads, the "last minutes" of traffic a person watches
 * while changing something). A read of the whole endpoint is one JSON document of about 20 KB for an application
 * with two downstream services and five instances, answered in 10 to 15 ms on the 2-core build machine while
 * {@code LiveViewBrowserTests} loaded it (five reads after its load): an open page at the default interval costs the
 * application about 10 KB/s and under 1 % of a core.
 */
public final class LiveViewPage {

	/** Path of the page below the management base path. */
	public static final String PATH = "/hyperlane-view";

	private static final String TEMPLATE = "live-view.html";

	/**
	 * Class-path location of the page's template, read once per {@code LiveViewPage}; registered as a resource hint
	 * by {@link LiveViewRuntimeHints}.
	 */
	static final String TEMPLATE_LOCATION = LiveViewPage.class.getPackageName().replace('.', '/') + "/" + TEMPLATE;

	private static final Duration MIN_POLL_INTERVAL = Duration.ofMillis(250);

	private static final Duration MAX_POLL_INTERVAL = Duration.ofSeconds(60);

	private static final Duration MIN_HISTORY = Duration.ofMinutes(1);

	private static final Duration MAX_HISTORY = Duration.ofHours(1);

	private static final Pattern SCRIPT = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL);

	private static final Pattern STYLE = Pattern.compile("<style>(.*?)</style>", Pattern.DOTALL);

	private final Duration pollInterval;

	private final Duration history;

	private final String template;

	/**
	 * Create the page from the properties.
	 * @param properties the live view properties
	 * @throws HyperlaneSettingException when the poll interval is outside 250 ms to 60 s, or the history outside 1
	 * minute to 1 hour or shorter than ten poll intervals
	 */
	public LiveViewPage(LiveViewProperties properties) {
		this.pollInterval = properties.pollInterval();
		this.history = properties.history();
		if (this.pollInterval.compareTo(MIN_POLL_INTERVAL) < 0 || this.pollInterval.compareTo(MAX_POLL_INTERVAL) > 0) {
			throw new HyperlaneSettingException("hyperlane.live-view.poll-interval",
					this.pollInterval.toMillis() + " ms is outside 250 ms to 60 s",
					"set it between 250ms and 60s (default 2s)");
		}
		if (this.history.compareTo(MIN_HISTORY) < 0 || this.history.compareTo(MAX_HISTORY) > 0
				|| this.history.compareTo(this.pollInterval.multipliedBy(10)) < 0) {
			throw new HyperlaneSettingException("hyperlane.live-view.history",
					this.history.toSeconds() + " s is outside 1 minute to 1 hour, or shorter than ten poll intervals",
					"set it between 1m and 1h (default 5m)");
		}
		this.template = readTemplate();
	}

	private static String readTemplate() {
		try (InputStream in = LiveViewPage.class.getResourceAsStream(TEMPLATE)) {
			if (in == null) {
				throw new IllegalStateException("The live view page " + TEMPLATE + " is missing from the class path");
			}
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the poll interval the page uses.
	 * @return the time between two reads of the endpoint
	 */
	public Duration pollInterval() {
		return this.pollInterval;
	}

	/**
	 * Return the time span the page keeps.
	 * @return the history
	 */
	public Duration history() {
		return this.history;
	}

	/**
	 * Render the page.
	 * @param endpointPath the {@code hyperlane} endpoint's path relative to the management base path, without a
	 * leading slash ({@code hyperlane} unless {@code management.endpoints.web.path-mapping.hyperlane} says otherwise)
	 * @return the HTML document
	 */
	public String html(String endpointPath) {
		String relative = endpointPath.startsWith("/") ? endpointPath.substring(1) : endpointPath;
		return this.template.replace("@@POLL_MILLIS@@", Long.toString(this.pollInterval.toMillis()))
			.replace("@@HISTORY_SECONDS@@", Long.toString(this.history.toSeconds()))
			.replace("@@ENDPOINT@@", escapeAttribute(relative));
	}

	/**
	 * Return the Content-Security-Policy the page is served with: its inline script and style by hash, requests
	 * to its own origin only, no frames, no forms, no plug-ins.
	 * @return the header value
	 */
	public String contentSecurityPolicy() {
		return "default-src 'none'; script-src " + hashes(SCRIPT) + "; style-src " + hashes(STYLE)
				+ "; connect-src 'self'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'";
	}

	private String hashes(Pattern element) {
		StringBuilder sources = new StringBuilder();
		Matcher matcher = element.matcher(this.template);
		while (matcher.find()) {
			if (!sources.isEmpty()) {
				sources.append(' ');
			}
			sources.append("'sha256-").append(sha256(matcher.group(1))).append('\'');
		}
		return sources.isEmpty() ? "'none'" : sources.toString();
	}

	private static String sha256(String text) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

	private static String escapeAttribute(String value) {
		return value.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
	}

}
