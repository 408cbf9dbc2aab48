package dev.hyperlane.benchmark.report;

import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * A figure the harness records for each measured run, how it is shown and which way is better.
 *
 * @param key column name in the CSV
 * @param label table heading and chart axis
 * @param decimals decimals shown
 * @param higherIsBetter whether a larger value is better; {@code null} for figures that are context only
 * @param plotted whether the figure gets a chart
 * @author Hyperlane
 */
record Metric(String key, String label, int decimals, @Nullable Boolean higherIsBetter, boolean plotted) {

	static final List<Metric> ALL = List.of(new Metric("rps", "requests/s", 0, true, true),
			new Metric("mb_s", "MB/s", 1, true, true),
			new Metric("wire_mb_s", "MB/s on the wire", 1, null, true),
			new Metric("p50_ms", "p50 ms", 2, false, false),
			new Metric("p99_ms", "p99 ms", 2, false, true),
			new Metric("slow_share_pct", "% to slow instance", 1, false, true),
			new Metric("errors", "errors", 0, false, false),
			new Metric("hung", "hung requests", 0, false, false),
			new Metric("failed_pct", "% failed or hung", 1, false, true),
			new Metric("cpu_us_req", "JVM CPU µs per request", 0, false, true),
			new Metric("open_conns", "connections open", 0, true, false),
			new Metric("rss_mib", "RSS MiB", 0, false, true),
			new Metric("rss_delta_mib", "RSS increase MiB", 1, false, true),
			new Metric("direct_mib", "JVM direct MiB", 1, false, true),
			new Metric("netty_direct_mib", "Netty direct MiB", 1, false, false),
			new Metric("alloc_kb_req", "KB allocated per request", 2, false, true),
			new Metric("gc_ms", "GC pause ms per run", 0, false, true),
			new Metric("gc_count", "GCs per run", 0, false, false),
			new Metric("first_answer_ms", "ms to first answer", 0, false, true),
			new Metric("started_s", "Spring \"Started\" s", 2, false, false),
			new Metric("running_s", "JVM up at \"Started\" s", 2, false, false),
			new Metric("start_cpu_s", "CPU s to first answer", 2, false, true),
			new Metric("jar_mb", "fat jar MB", 1, false, false),
			new Metric("lib_jars", "jars in BOOT-INF/lib", 0, false, false),
			new Metric("jvm_cores", "JVM cores", 2, null, false),
			new Metric("busy_cores", "machine cores busy", 2, null, false),
			new Metric("bytes_resp", "bytes per response", 0, null, false),
			new Metric("other_cores", "other CPU (cores)", 2, null, false));

	static Optional<Metric> of(String key) {
		return ALL.stream().filter((metric) -> metric.key().equals(key)).findFirst();
	}

	/** Whether {@code value} is worse than {@code reference} for this figure. */
	boolean worse(double value, double reference) {
		if (this.higherIsBetter == null) {
			return false;
		}
		return this.higherIsBetter ? value < reference : value > reference;
	}

}
