package dev.hyperlane.benchmark.report;

import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A figure the project has set itself a bound on (issues 12 and 13): the ratio of two targets' medians, or one
 * target's median, checked in every case of a scenario where both targets were measured.
 *
 * @param scenario scenario key, as in the CSV ({@code s1})
 * @param target the target judged
 * @param base the target the ratio is taken against; {@code null} for a bound on the median itself
 * @param metric the {@link Metric#key() figure}
 * @param comparison {@code ">="}, {@code "<="} or {@code "<"}
 * @param bound the bound on the ratio (or on the median)
 * @param lastCaseOnly whether only the scenario's last case counts (S4: the highest connection count, where the
 * caller is CPU-bound)
 * @param source where the bound comes from
 * @author Hyperlane
 */
record Goal(String scenario, String target, @Nullable String base, String metric, String comparison, double bound,
		boolean lastCaseOnly, String source) {

	static final List<Goal> ALL = List.of(
			new Goal("s1", "hyperlane", "vanilla-obs", "rps", ">=", 1.3, false, "issue 12"),
			new Goal("s1", "hyperlane", "vanilla-obs", "cpu_us_req", "<=", 0.8, false, "issue 12"),
			new Goal("s7", "obs-off", "vanilla", "rps", ">=", 1.0, false, "issue 12"),
			new Goal("s7", "obs-off", "vanilla", "cpu_us_req", "<=", 1.0, false, "issue 12"),
			new Goal("s7", "obs-off", "vanilla", "alloc_kb_req", "<=", 1.0, false, "issue 12"),
			new Goal("s7", "obs-0.1", "obs-off", "rps", ">=", 0.9, false, "issue 12"),
			new Goal("s4", "hyperlane", "vanilla", "p50_ms", "<=", 1.0, true, "issue 12"),
			new Goal("s4", "hyperlane", "vanilla", "p99_ms", "<=", 0.5, true, "issue 12"),
			new Goal("s4", "hyperlane", null, "slow_share_pct", "<", 5.0, true, "issue 12"),
			new Goal("s9", "hyperlane", "vanilla-obs", "first_answer_ms", "<=", 1.15, false, "issue 13"),
			new Goal("s9", "hyperlane", "vanilla-obs", "started_s", "<=", 1.15, false, "issue 13"),
			new Goal("s9", "hyperlane", "vanilla-obs", "rss_mib", "<=", 1.10, false, "issue 13"),
			new Goal("s9", "hyperlane", "vanilla-obs", "jar_mb", "<=", 1.15, false, "issue 13"));

	/** Whether {@code value} (a ratio, or a median when there is no base) is within the bound. */
	boolean met(double value) {
		return switch (this.comparison) {
			case ">=" -> value >= this.bound;
			case "<=" -> value <= this.bound;
			case "<" -> value < this.bound;
			default -> throw new IllegalStateException("unknown comparison " + this.comparison);
		};
	}

	/** How the goal reads in the report, e.g. {@code hyperlane/vanilla-obs requests/s >= 1.30}. */
	String describe(Metric figure) {
		String who = (this.base != null) ? this.target + "/" + this.base : this.target;
		return who + " " + figure.label() + " " + this.comparison + " "
				+ String.format(Locale.ROOT, "%.2f", this.bound);
	}

}
