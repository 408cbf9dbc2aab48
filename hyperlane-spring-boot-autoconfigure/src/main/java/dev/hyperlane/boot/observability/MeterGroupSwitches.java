package dev.hyperlane.boot.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import org.jspecify.annotations.Nullable;

/**
 * Denies the meter groups switched off under {@code hyperlane.observability.metrics.*} whose meters Reactor Netty
 * or the client package register on their own: {@code reactor.netty.connection.provider.*} ({@code pools}),
 * {@code reactor.netty.bytebuf.allocator.*} ({@code allocator}) and {@code reactor.netty.eventloop.*}
 * ({@code event-loop}). A denied meter is a no-op meter in Micrometer. Also gives the request timers
 * ({@code http.server.requests}, {@code http.client.requests} and, when turned on,
 * {@code reactor.netty.http.server.response.time}, {@code reactor.netty.http.client.response.time}) fixed histogram
 * buckets ({@code latency-buckets}, 11 by default: 5 ms to 10 s) when nothing else configured a histogram for them,
 * so dashboards can compute percentiles with {@code histogram_quantile}; fixed buckets keep the series count at 12
 * per tag set, where Micrometer's percentile histogram would add about 70.
 */
public final class MeterGroupSwitches implements MeterFilter {

	private final List<String> deniedPrefixes;

	private final double[] latencyBucketsNanos;

	/**
	 * Create the switches.
	 * @param metrics the meter group properties
	 */
	public MeterGroupSwitches(HyperlaneObservabilityProperties.Metrics metrics) {
		List<String> denied = new ArrayList<>();
		if (!metrics.pools()) {
			denied.add("reactor.netty.connection.provider.");
		}
		if (!metrics.allocator()) {
			denied.add("reactor.netty.bytebuf.allocator.");
			denied.add("hyperlane.direct.memory.");
		}
		if (!metrics.eventLoop()) {
			denied.add("reactor.netty.eventloop.");
			denied.add("hyperlane.eventloop.");
		}
		this.deniedPrefixes = List.copyOf(denied);
		this.latencyBucketsNanos = metrics.latencyBuckets().stream().mapToDouble(Duration::toNanos).sorted()
			.toArray();
	}

	@Override
	public @Nullable DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
		if (this.latencyBucketsNanos.length == 0 || !isResponseTime(id.getName())
				|| config.isPercentileHistogram() != null || config.getServiceLevelObjectiveBoundaries() != null) {
			return config;
		}
		return DistributionStatisticConfig.builder()
			.serviceLevelObjectives(this.latencyBucketsNanos)
			.build()
			.merge(config);
	}

	private static boolean isResponseTime(String name) {
		return name.equals("http.server.requests") || name.equals("http.client.requests")
				|| name.equals("reactor.netty.http.server.response.time")
				|| name.equals("reactor.netty.http.client.response.time");
	}

	@Override
	public MeterFilterReply accept(Meter.Id id) {
		for (String prefix : this.deniedPrefixes) {
			if (id.getName().startsWith(prefix)) {
				return MeterFilterReply.DENY;
			}
		}
		return MeterFilterReply.NEUTRAL;
	}

	/**
	 * Return the denied name prefixes.
	 * @return the prefixes, empty when every group is on
	 */
	public List<String> deniedPrefixes() {
		return this.deniedPrefixes;
	}

}
