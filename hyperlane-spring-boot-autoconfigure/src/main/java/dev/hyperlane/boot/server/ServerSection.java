package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.transport.SocketOptionPlan;

/**
 * The {@code server} section of the {@code hyperlane} endpoint: each setting as applied with its source, the
 * socket options the kernel reports for the listening socket and a recent connection, the compression algorithms
 * on offer, and live counts (connections open and accepted, requests, request-header timeouts).
 */
public final class ServerSection implements HyperlaneSection {

	private final HyperlaneServerTuner tuner;

	/**
	 * Create the section.
	 * @param tuner the tuner whose applied settings and statistics are shown
	 */
	public ServerSection(HyperlaneServerTuner tuner) {
		this.tuner = tuner;
	}

	@Override
	public String name() {
		return "server";
	}

	@Override
	public Map<String, Object> describe() {
		ServerSettings settings = this.tuner.appliedSettings();
		ServerStatistics statistics = this.tuner.statistics();
		Map<String, Object> description = new LinkedHashMap<>();
		Map<String, Object> effective = new LinkedHashMap<>();
		for (EffectiveSetting setting : settings.effective().values()) {
			effective.put(setting.property(), setting.describe());
		}
		description.put("settings", effective);
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
		live.put("acceptedConnections", statistics.acceptedConnections());
		live.put("requests", statistics.requests());
		live.put("requestHeaderTimeouts", statistics.requestHeaderTimeouts());
		live.put("answeredByServer", statistics.answeredByServer());
		live.put("closedByClient", statistics.closedByClient());
		statistics.shortestCallerTimeoutMillis()
			.ifPresent((millis) -> live.put("shortestCallerTimeoutMillis", millis));
		description.put("statistics", live);
		return description;
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
		return advice;
	}

}
