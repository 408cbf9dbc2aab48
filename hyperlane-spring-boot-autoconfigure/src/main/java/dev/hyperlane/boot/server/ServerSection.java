package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionChange;
import dev.hyperlane.boot.SectionNames;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import org.jspecify.annotations.Nullable;

import org.springframework.util.unit.DataSize;

/**
 * The {@code server} section of the {@code hyperlane} endpoint: each setting as applied with its source, the
 * socket options the kernel reports for the listening socket and a recent connection, the compression algorithms
 * on offer, live counts (connections open and accepted, requests, request-header timeouts, requests answered by the
 * server or closed by the client before the application could answer, malformed requests, request bodies timed out
 * or refused for memory and the memory they hold, pipelining pauses, allocations failed for lack of direct memory),
 * the guards against hostile clients per protocol the server speaks as applied ({@link ProtocolGuards}), TLS (provider, ALPN
 * protocols, session cache; see {@link ServerTls}), and the concurrency limit (current limit, who set it, in-flight,
 * admitted and rejected requests).
 * <p>
 * One write action, through {@code POST /actuator/hyperlane/server} when the endpoint's access is unrestricted:
 * {@code {"action": "concurrency-limit", "value": "200"}} pins the concurrency limit to 200 requests;
 * {@code "value": "adaptive"} hands it back to the algorithm. A pinned value may lie outside min-limit and
 * max-limit: the operator's word wins until the pin is released.
 *
 * @param name the section's name, {@link SectionNames#SERVER}
 * @param tuner the tuner whose applied settings and statistics are shown
 * @param limiter the concurrency limiter, or {@code null} when the limit is off
 */
public record ServerSection(String name, HyperlaneServerTuner tuner,
		@Nullable ServerConcurrencyLimiter limiter) implements HyperlaneSection {

	/** The write action that sets the concurrency limit. */
	public static final String CONCURRENCY_LIMIT_ACTION = "concurrency-limit";

	/**
	 * Create the section, named {@link SectionNames#SERVER}.
	 * @param tuner the tuner whose applied settings and statistics are shown
	 * @param limiter the concurrency limiter, or {@code null} when the limit is off
	 */
	public ServerSection(HyperlaneServerTuner tuner, @Nullable ServerConcurrencyLimiter limiter) {
		this(SectionNames.SERVER, tuner, limiter);
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		ServerSettings settings = this.tuner.appliedSettings();
		List<ChangedDefault> changes = new ArrayList<>();
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.COMPRESSION_ENABLED), false);
		// Reactor Netty's and Spring Boot's limits: 8 KB of headers, 256 KB of body for Spring's codecs
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.MAX_HEADER_SIZE), DataSize.ofKilobytes(8));
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.MAX_IN_MEMORY_SIZE),
				DataSize.ofKilobytes(256));
		// Boot sets no server timeout and no keep-alive request limit
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.IDLE_TIMEOUT), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.REQUEST_HEADER_TIMEOUT), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.READ_TIMEOUT), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.REQUEST_TIMEOUT), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.MAX_KEEP_ALIVE_REQUESTS), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.MAX_CONNECTIONS), null);
		ChangedDefault.addIfChanged(changes, settings.setting(ServerSettings.HTTP2_ENABLED), false);
		ChangedDefault.addIfChanged(changes,
				settings.effective().get(ServerSettings.PREFIX + ".socket.keep-alive"), "false");
		return changes;
	}

	@Override
	public Map<String, Object> describe() {
		ServerSettings settings = this.tuner.appliedSettings();
		ServerStatistics statistics = this.tuner.statistics();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("settings", EffectiveSetting.describeAll(settings.effective().values()));
		Map<String, Object> socket = new LinkedHashMap<>();
		socket.put("channel", (statistics.channelType() != null) ? statistics.channelType() : "no connection yet");
		socket.put("listener", statistics.listenerOptions());
		socket.put("connection", statistics.connectionOptions());
		socket.put("notApplied", settings.socketPlan().skipped().stream()
			.map((skipped) -> skipped.option().propertyName() + ": " + skipped.reason())
			.toList());
		description.put("socketOptionsReadBack", socket);
		List<String> algorithms = new ArrayList<>();
		if (HyperlaneServerTuner.zstdAvailable()) {
			algorithms.add("zstd");
		}
		if (HyperlaneServerTuner.brotliAvailable()) {
			algorithms.add("br");
		}
		algorithms.add("gzip");
		algorithms.add("deflate");
		description.put("compressionAlgorithms", algorithms);
		Map<String, Object> live = new LinkedHashMap<>();
		live.put("openConnections", statistics.openConnections());
		live.putAll(statistics.counts().toMap());
		live.put("requestBodyMemoryUsedBytes", this.tuner.requestBodyMemoryUsed());
		statistics.shortestCallerTimeoutMillis()
			.ifPresent((millis) -> live.put("shortestCallerTimeoutMillis", millis));
		description.put("statistics", live);
		description.put("protocolGuards", statistics.protocolGuards());
		description.put("tls", ServerTls.describe(this.tuner.sslContext(), statistics.tlsHandshakeFailures()));
		description.put("concurrencyLimit", (this.limiter != null) ? this.limiter.describe() : Map.of("enabled", false));
		return description;
	}

	@Override
	public Map<String, Object> change(SectionChange change) {
		if (!CONCURRENCY_LIMIT_ACTION.equals(change.action())) {
			throw new IllegalArgumentException("Section 'server' has no action '" + change.action() + "'; the only one is '"
					+ CONCURRENCY_LIMIT_ACTION + "'");
		}
		ServerConcurrencyLimiter limiter = this.limiter;
		if (limiter == null) {
			throw new IllegalArgumentException(
					"The concurrency limit is off; set hyperlane.server.concurrency-limit.enabled=true");
		}
		String value = change.value();
		if (value == null) {
			throw new IllegalArgumentException("Give a 'value': a limit of 1 or more, or 'adaptive'");
		}
		if ("adaptive".equalsIgnoreCase(value)) {
			limiter.release();
		}
		else {
			try {
				limiter.pin(Integer.parseInt(value));
			}
			catch (NumberFormatException ex) {
				throw new IllegalArgumentException("'" + value + "' is not a limit: give 1 or more, or 'adaptive'");
			}
		}
		Map<String, Object> state = new LinkedHashMap<>();
		state.put("concurrencyLimit", limiter.describe());
		return state;
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		for (SocketOptionPlan.Skipped skipped : this.tuner.appliedSettings().socketPlan().skipped()) {
			advice.add(Advice.warning(
					"hyperlane.server.socket." + skipped.option().propertyName() + "=" + skipped.value()
							+ " is not applied: " + skipped.reason(),
					"hyperlane.server.socket." + skipped.option().propertyName(),
					"remove it, or choose a transport that supports it (hyperlane.transport.type)"));
		}
		ServerConcurrencyLimiter limiter = this.limiter;
		long rejected = (limiter != null) ? limiter.counts().get(ServerConcurrencyLimiter.Count.REJECTED) : 0;
		if (limiter != null && rejected > 0) {
			advice.add(Advice.warning(rejected + " request(s) rejected with 503 by the concurrency limit (now "
					+ limiter.limit() + ")", "hyperlane.server.concurrency-limit.max-limit",
					"add instances if the rejections go on; raise max-limit only if latency stays flat at the limit"));
		}
		return advice;
	}

}
