package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.CallerDeadlines;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;
import reactor.netty.resources.ConnectionPoolMetrics;

/**
 * The {@code clients} section of the {@code hyperlane} endpoint: per downstream service, the effective settings
 * with their sources and the live figures (pools by remote address with active, idle, pending and max
 * connections; mean time to get a connection; premature closes; retries made and refused; retry budget left;
 * evictions caused by the peer's advertised keep-alive timeout). Advises when requests waited for or were refused
 * a pooled connection, when premature closes were seen, and when a response timeout is longer than the deadline
 * this service's own callers announce ({@link CallerDeadlines}).
 *
 * @param name the section's name, {@link SectionNames#CLIENTS}
 * @param connector the connector whose clients are shown
 * @param callerDeadlines where the deadlines of this service's own callers are seen (the server), if anywhere
 */
public record ClientSection(String name, HyperlaneClientHttpConnector connector,
		List<CallerDeadlines> callerDeadlines) implements HyperlaneSection {

	/**
	 * Create the section.
	 * @param name the section's name
	 * @param connector the connector whose clients are shown
	 * @param callerDeadlines where the deadlines of this service's own callers are seen, copied
	 */
	public ClientSection {
		callerDeadlines = List.copyOf(callerDeadlines);
	}

	/**
	 * Create the section, named {@link SectionNames#CLIENTS}.
	 * @param connector the connector whose clients are shown
	 * @param callerDeadlines where the deadlines of this service's own callers are seen (the server), if anywhere
	 */
	public ClientSection(HyperlaneClientHttpConnector connector, List<CallerDeadlines> callerDeadlines) {
		this(SectionNames.CLIENTS, connector, callerDeadlines);
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		// the settings every host without a service of its own gets, against Boot's shared Reactor Netty client
		Map<String, EffectiveSetting> defaults = this.connector.clientFor((String) null).effective();
		List<ChangedDefault> changes = new ArrayList<>();
		ChangedDefault.addIfChanged(changes, defaults.get("compression"), false);
		ChangedDefault.addIfChanged(changes, defaults.get("connect-timeout"), Duration.ofSeconds(30));
		ChangedDefault.addIfChanged(changes, defaults.get("response-timeout"), null);
		ChangedDefault.addIfChanged(changes, defaults.get("max-connections"), 500);
		ChangedDefault.addIfChanged(changes, defaults.get("pending-acquire-timeout"), Duration.ofSeconds(45));
		ChangedDefault.addIfChanged(changes, defaults.get("max-idle-time"), null);
		ChangedDefault.addIfChanged(changes, defaults.get("max-life-time"), null);
		ChangedDefault.addIfChanged(changes, defaults.get("leasing"), LeasingStrategy.FIFO);
		ChangedDefault.addIfChanged(changes, defaults.get("retry.enabled"), false);
		return changes;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		this.connector.clients().forEach((name, client) -> {
			Map<String, Object> service = new LinkedHashMap<>();
			service.put("settings", EffectiveSetting.describeAll(client.effective().values()));
			Map<String, Object> live = client.statistics().describe();
			live.put("retryBudgetRemaining", client.budget().remaining());
			service.put("statistics", live);
			description.put(name, service);
		});
		return description;
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		this.connector.clients().forEach((name, client) -> {
			String prefix = "default".equals(name) ? "hyperlane.client.defaults" : "hyperlane.client.services." + name;
			ClientStatistics statistics = client.statistics();
			long exhausted = statistics.counts().get(ClientStatistics.Count.POOL_EXHAUSTED);
			long prematureCloses = statistics.counts().get(ClientStatistics.Count.PREMATURE_CLOSES);
			int pending = statistics.pools().values().stream().mapToInt(ConnectionPoolMetrics::pendingAcquireSize).sum();
			if (pending > 0 || exhausted > 0) {
				advice.add(Advice.warning("service '" + name + "': " + pending + " request(s) waiting for a connection now, "
						+ exhausted + " refused because the pool was exhausted",
						prefix + ".max-connections",
						"raise it (now " + client.settings().maxConnections() + "), or lower the concurrency of calls"));
			}
			long callerMillis = this.callerDeadlines.stream()
				.map(CallerDeadlines::shortestCallerTimeoutMillis)
				.filter(OptionalLong::isPresent)
				.mapToLong(OptionalLong::getAsLong)
				.min()
				.orElse(Long.MAX_VALUE);
			long responseMillis = client.settings().responseTimeout().toMillis();
			if (responseMillis > callerMillis) {
				advice.add(Advice.warning("service '" + name + "': response timeout " + responseMillis
						+ " ms is longer than the " + callerMillis + " ms this service's own callers wait ("
						+ CallerDeadlines.HEADER + ")", prefix + ".response-timeout",
						"set it below " + callerMillis + " ms, leaving time for a retry and the rest of the request"));
			}
			if (prematureCloses > 0) {
				advice.add(Advice.warning("service '" + name + "': " + prematureCloses
						+ " connection(s) closed before the response (the peer or a middlebox closed idle connections)",
						prefix + ".max-idle-time",
						"lower it below the idle timeout of the peer and of every proxy on the way"));
			}
		});
		return advice;
	}

}
