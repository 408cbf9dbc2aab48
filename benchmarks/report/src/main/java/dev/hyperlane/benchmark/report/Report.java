package dev.hyperlane.benchmark.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

/**
 * Reads the harness's measurements and prints the results as Markdown, writing one PNG chart per plotted figure
 * and scenario (XChart does the drawing).
 * <p>
 * Input: a CSV with the header {@code scenario,case,target,rep,metric,value}, one row per figure of one measured
 * run. Output on stdout: per scenario a table of the median and the range (min-max) of each figure per case and
 * target, a table of ratios of medians against the reference targets ({@code vanilla}, {@code vanilla-obs},
 * {@code raw} and the others in {@link #RATIOS}), and, at the end, the {@link Goal goals} the figures meet or miss
 * with, for a bound on a ratio, the ratio taken within each repetition (the two targets' runs of the same
 * repetition, minutes apart at most, so that the machine's drift between repetitions cancels out), and every figure
 * on which {@code hyperlane}'s median is worse than {@code vanilla}'s or {@code vanilla-obs}'s, marked "within the
 * spread" when the ranges overlap.
 * <p>
 * Usage: {@code java -jar hyperlane-benchmark-report.jar <csv> <png directory> <png link prefix>}.
 *
 * @author Hyperlane
 */
public final class Report {

	private static final Map<String, String> SCENARIOS = Map.of("s1", "S1 plaintext and 1 KB JSON", "s2",
			"S2 1 MB JSON", "s3", "S3 1 MB JSON, gzip accepted, over a constrained link", "s4",
			"S4 fan-out through the @LoadBalanced WebClient to three backends, one 50 ms slower", "s5",
			"S5 idle-connection faults", "s6", "S6 idle keep-alive connections", "s7",
			"S7 observability on (sampling 0.1 and 1.0) vs off", "s8", "S8 allocation and GC under S1 load", "s9",
			"S9 start-up and RSS");

	/** Ratio bases and the targets compared with each (empty: every other target). */
	private static final Map<String, List<String>> RATIOS = new LinkedHashMap<>();

	static {
		RATIOS.put("vanilla", List.of("hyperlane", "vanilla-obs", "hyperlane-off", "haproxy", "obs-off"));
		RATIOS.put("vanilla-obs", List.of("hyperlane", "obs-0.1"));
		RATIOS.put("raw", List.of());
		RATIOS.put("hyperlane-off", List.of("hyperlane"));
		RATIOS.put("obs-off", List.of("obs-0.1", "obs-1.0"));
	}

	/** The references hyperlane's losses are listed against. */
	private static final List<String> LOSS_BASES = List.of("vanilla", "vanilla-obs");

	private static final List<String> SCENARIO_ORDER = List.of("s1", "s4", "s2", "s8", "s7", "s9", "s5", "s3", "s6");

	private final Map<String, Map<String, Map<String, Map<String, List<Double>>>>> data = new LinkedHashMap<>();

	/** The same figures by repetition number (a repetition measured again keeps its last figure). */
	private final Map<String, Map<Integer, Double>> byRepetition = new LinkedHashMap<>();

	private final Path pngDir;

	private final String linkPrefix;

	private final StringBuilder out = new StringBuilder();

	private Report(Path pngDir, String linkPrefix) {
		this.pngDir = pngDir;
		this.linkPrefix = linkPrefix;
	}

	/**
	 * Runs the report.
	 * @param args CSV file, PNG directory, link prefix of the PNGs in the Markdown
	 * @throws IOException when a file cannot be read or written
	 */
	public static void main(String[] args) throws IOException {
		System.setProperty("java.awt.headless", "true");
		Report report = new Report(Path.of(args[1]), args[2]);
		report.read(Path.of(args[0]));
		Files.createDirectories(report.pngDir);
		report.write();
		System.out.print(report.out);
	}

	private void read(Path csv) throws IOException {
		List<String> lines = Files.readAllLines(csv);
		for (String line : lines.subList(1, lines.size())) {
			String[] f = line.split(",");
			if (f.length < 6 || f[5].isBlank() || f[5].equals("NA")) {
				continue;
			}
			this.data.computeIfAbsent(f[0], (k) -> new LinkedHashMap<>())
				.computeIfAbsent(f[1], (k) -> new LinkedHashMap<>())
				.computeIfAbsent(f[2], (k) -> new LinkedHashMap<>())
				.computeIfAbsent(f[4], (k) -> new ArrayList<>())
				.add(Double.parseDouble(f[5]));
			try {
				this.byRepetition.computeIfAbsent(figureKey(f[0], f[1], f[2], f[4]), (k) -> new TreeMap<>())
					.put(Integer.parseInt(f[3].trim()), Double.parseDouble(f[5]));
			}
			catch (NumberFormatException ex) {
				// a figure without a repetition number has no pair
			}
		}
	}

	private void write() throws IOException {
		Map<String, List<String>> losses = new LinkedHashMap<>();
		LOSS_BASES.forEach((base) -> losses.put(base, new ArrayList<>()));
		for (String scenario : SCENARIO_ORDER) {
			Map<String, Map<String, Map<String, List<Double>>>> cases = this.data.get(scenario);
			if (cases == null) {
				continue;
			}
			List<Metric> metrics = metrics(cases);
			line("### " + SCENARIOS.getOrDefault(scenario, scenario));
			line("");
			line("Median (min-max) over the repetitions.");
			line("");
			StringBuilder head = new StringBuilder("| case | target | runs |");
			StringBuilder rule = new StringBuilder("|---|---|---|");
			for (Metric metric : metrics) {
				head.append(' ').append(metric.label()).append(" |");
				rule.append("---|");
			}
			line(head.toString());
			line(rule.toString());
			for (var byCase : cases.entrySet()) {
				for (var byTarget : byCase.getValue().entrySet()) {
					StringBuilder row = new StringBuilder("| " + byCase.getKey() + " | " + byTarget.getKey() + " | "
							+ runs(byTarget.getValue()) + " |");
					for (Metric metric : metrics) {
						row.append(' ').append(cell(byTarget.getValue().get(metric.key()), metric)).append(" |");
					}
					line(row.toString());
				}
			}
			line("");
			ratios(cases, metrics);
			plots(scenario, cases, metrics);
			LOSS_BASES.forEach((base) -> collectLosses(scenario, cases, metrics, base, losses.get(base)));
		}
		goals();
		for (var byBase : losses.entrySet()) {
			String base = byBase.getKey();
			if (this.data.values().stream().noneMatch((cases) -> cases.values().stream()
				.anyMatch((targets) -> targets.containsKey(base) && targets.containsKey("hyperlane")))) {
				continue;
			}
			line("### Where hyperlane is worse than " + base);
			line("");
			if (byBase.getValue().isEmpty()) {
				line("On no figure of this run.");
			}
			else {
				line("Every figure on which hyperlane's median is worse than " + base + "'s (\"within the spread\": the "
						+ "ranges of the two overlap, so the difference is not beyond run-to-run noise):");
				line("");
				byBase.getValue().forEach(this::line);
			}
			line("");
		}
	}

	private void goals() {
		List<String> rows = new ArrayList<>();
		for (Goal goal : Goal.ALL) {
			Map<String, Map<String, Map<String, List<Double>>>> cases = this.data.get(goal.scenario());
			Metric figure = Metric.of(goal.metric()).orElseThrow();
			if (cases == null) {
				continue;
			}
			List<String> caseNames = new ArrayList<>(cases.keySet());
			if (goal.lastCaseOnly()) {
				caseNames = caseNames.subList(caseNames.size() - 1, caseNames.size());
			}
			for (String caseName : caseNames) {
				Map<String, List<Double>> target = cases.get(caseName).get(goal.target());
				Map<String, List<Double>> base = (goal.base() != null) ? cases.get(caseName).get(goal.base()) : null;
				if (target == null || (goal.base() != null && base == null)) {
					continue;
				}
				List<Double> values = target.get(goal.metric());
				List<Double> reference = (base != null) ? base.get(goal.metric()) : null;
				if (values == null || values.isEmpty() || (base != null && (reference == null || reference.isEmpty()))) {
					continue;
				}
				double value = (reference != null) ? ratioValue(median(values), median(reference)) : median(values);
				String shown = (reference != null) ? String.format(Locale.ROOT, "%.2f", value) : format(value, figure);
				String paired = (base != null) ? paired(goal, caseName) : "";
				rows.add("| " + goal.describe(figure) + " | " + goal.scenario().toUpperCase(Locale.ROOT) + " " + caseName
						+ " | " + shown + " | " + (Double.isNaN(value) ? "NA" : (goal.met(value) ? "met" : "**missed**"))
						+ " | " + paired + " | " + goal.source() + " |");
			}
		}
		if (rows.isEmpty()) {
			return;
		}
		line("### Goals");
		line("");
		line("The bounds the project has set (ratios of medians of this run; S4's goals apply to its highest "
				+ "connection count, where the caller is CPU-bound). \"Per repetition\": the same ratio taken within "
				+ "each repetition, median (min-max) of those ratios and how many of them meet the bound; the "
				+ "targets of one repetition run minutes apart at most, so the machine's drift between repetitions "
				+ "cancels out of it:");
		line("");
		line("| goal | case | value | | per repetition | from |");
		line("|---|---|---|---|---|---|");
		rows.forEach(this::line);
		line("");
	}

	/**
	 * The goal's ratio taken within each repetition in which both targets were measured: median (min-max) and how
	 * many of the ratios meet the bound, or empty when no repetition has both.
	 */
	private String paired(Goal goal, String caseName) {
		Map<Integer, Double> target = this.byRepetition
			.getOrDefault(figureKey(goal.scenario(), caseName, goal.target(), goal.metric()), Map.of());
		Map<Integer, Double> base = this.byRepetition
			.getOrDefault(figureKey(goal.scenario(), caseName, goal.base(), goal.metric()), Map.of());
		List<Double> ratios = new ArrayList<>();
		target.forEach((repetition, value) -> {
			Double reference = base.get(repetition);
			if (reference != null) {
				double ratio = ratioValue(value, reference);
				if (!Double.isNaN(ratio)) {
					ratios.add(ratio);
				}
			}
		});
		if (ratios.isEmpty()) {
			return "";
		}
		long met = ratios.stream().filter(goal::met).count();
		return String.format(Locale.ROOT, "%.2f (%.2f-%.2f), %d of %d met", median(ratios), Collections.min(ratios),
				Collections.max(ratios), met, ratios.size());
	}

	private static String figureKey(String scenario, String caseName, @Nullable String target, String metric) {
		return scenario + "," + caseName + "," + target + "," + metric;
	}

	private List<Metric> metrics(Map<String, Map<String, Map<String, List<Double>>>> cases) {
		Set<String> present = new LinkedHashSet<>();
		cases.values().forEach((targets) -> targets.values().forEach((figures) -> present.addAll(figures.keySet())));
		return Metric.ALL.stream().filter((metric) -> present.contains(metric.key())).toList();
	}

	private void ratios(Map<String, Map<String, Map<String, List<Double>>>> cases, List<Metric> metrics) {
		List<Metric> compared = metrics.stream().filter((metric) -> metric.higherIsBetter() != null).toList();
		List<String> rows = new ArrayList<>();
		for (var byCase : cases.entrySet()) {
			for (var comparison : RATIOS.entrySet()) {
				String base = comparison.getKey();
				Map<String, List<Double>> reference = byCase.getValue().get(base);
				if (reference == null) {
					continue;
				}
				for (var byTarget : byCase.getValue().entrySet()) {
					if (byTarget.getKey().equals(base)
							|| (!comparison.getValue().isEmpty() && !comparison.getValue().contains(byTarget.getKey()))) {
						continue;
					}
					StringBuilder row = new StringBuilder(
							"| " + byCase.getKey() + " | " + byTarget.getKey() + "/" + base + " |");
					for (Metric metric : compared) {
						row.append(' ').append(ratio(byTarget.getValue().get(metric.key()), reference.get(metric.key())))
							.append(" |");
					}
					rows.add(row.toString());
				}
			}
		}
		if (rows.isEmpty()) {
			return;
		}
		List<String> higher = compared.stream()
			.filter((m) -> Boolean.TRUE.equals(m.higherIsBetter()))
			.map(Metric::label)
			.toList();
		line("Ratios of medians (" + (higher.isEmpty() ? "lower is better for all"
				: "higher is better for " + String.join(", ", higher) + ", lower for the rest") + "):");
		line("");
		StringBuilder head = new StringBuilder("| case | ratio |");
		StringBuilder rule = new StringBuilder("|---|---|");
		for (Metric metric : compared) {
			head.append(' ').append(metric.label()).append(" |");
			rule.append("---|");
		}
		line(head.toString());
		line(rule.toString());
		rows.forEach(this::line);
		line("");
	}

	private void plots(String scenario, Map<String, Map<String, Map<String, List<Double>>>> cases,
			List<Metric> metrics) throws IOException {
		List<String> targets = new ArrayList<>();
		cases.values().forEach((byTarget) -> byTarget.keySet().forEach((t) -> {
			if (!targets.contains(t)) {
				targets.add(t);
			}
		}));
		List<String> caseNames = new ArrayList<>(cases.keySet());
		List<String> links = new ArrayList<>();
		for (Metric metric : metrics) {
			if (!metric.plotted()) {
				continue;
			}
			CategoryChart chart = new CategoryChartBuilder().width(820)
				.height(460)
				.title(SCENARIOS.getOrDefault(scenario, scenario) + ": " + metric.label())
				.yAxisTitle(metric.label())
				.build();
			chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
			chart.getStyler().setErrorBarsColorSeriesColor(true);
			chart.getStyler().setYAxisMin(0.0);
			boolean any = false;
			for (String target : targets) {
				List<Double> medians = new ArrayList<>();
				List<Double> errors = new ArrayList<>();
				for (String caseName : caseNames) {
					List<Double> values = cases.get(caseName).getOrDefault(target, Map.of()).get(metric.key());
					if (values == null || values.isEmpty()) {
						medians.add(0.0);
						errors.add(0.0);
						continue;
					}
					double median = median(values);
					medians.add(median);
					errors.add(Math.max(Collections.max(values) - median, median - Collections.min(values)));
					any = true;
				}
				chart.addSeries(target, caseNames, medians, errors);
			}
			if (!any) {
				continue;
			}
			String name = scenario + "-" + metric.key() + ".png";
			BitmapEncoder.saveBitmap(chart, this.pngDir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
			links.add("![" + scenario + " " + metric.label() + "](" + this.linkPrefix + name + ")");
		}
		if (!links.isEmpty()) {
			line("Bars: medians; error bars: the largest distance from the median to one run.");
			line("");
			links.forEach(this::line);
			line("");
		}
	}

	private void collectLosses(String scenario, Map<String, Map<String, Map<String, List<Double>>>> cases,
			List<Metric> metrics, String base, List<String> losses) {
		for (var byCase : cases.entrySet()) {
			Map<String, List<Double>> hyperlane = byCase.getValue().get("hyperlane");
			Map<String, List<Double>> vanilla = byCase.getValue().get(base);
			if (hyperlane == null || vanilla == null) {
				continue;
			}
			for (Metric metric : metrics) {
				List<Double> h = hyperlane.get(metric.key());
				List<Double> v = vanilla.get(metric.key());
				if (h == null || v == null || h.isEmpty() || v.isEmpty() || !metric.worse(median(h), median(v))) {
					continue;
				}
				boolean overlap = Collections.min(h) <= Collections.max(v) && Collections.min(v) <= Collections.max(h);
				String spread = (h.size() < 2 || v.size() < 2) ? ", one run: no spread to compare with"
						: (overlap ? ", within the spread" : ", beyond the spread");
				losses.add("- " + scenario.toUpperCase(Locale.ROOT) + " " + byCase.getKey() + ", " + metric.label() + ": "
						+ format(median(h), metric) + " vs " + format(median(v), metric) + " (hyperlane/" + base + " "
						+ String.format(Locale.ROOT, "%.2f", ratioValue(median(h), median(v))) + ")"
						+ spread);
			}
		}
	}

	private static String runs(Map<String, List<Double>> figures) {
		return String.valueOf(figures.values().stream().mapToInt(List::size).max().orElse(0));
	}

	private static String cell(List<Double> values, Metric metric) {
		if (values == null || values.isEmpty()) {
			return "NA";
		}
		if (values.size() == 1) {
			return format(values.get(0), metric);
		}
		return format(median(values), metric) + " (" + format(Collections.min(values), metric) + "-"
				+ format(Collections.max(values), metric) + ")";
	}

	private static String ratio(List<Double> values, List<Double> reference) {
		if (values == null || reference == null || values.isEmpty() || reference.isEmpty()) {
			return "NA";
		}
		double base = median(reference);
		if (base == 0) {
			return median(values) == 0 ? "1.00" : "NA";
		}
		return String.format(Locale.ROOT, "%.2f", ratioValue(median(values), base));
	}

	private static double ratioValue(double value, double base) {
		return (base == 0) ? Double.NaN : value / base;
	}

	private static String format(double value, Metric metric) {
		return String.format(Locale.ROOT, "%." + metric.decimals() + "f", value);
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int n = sorted.size();
		return (n % 2 == 1) ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
	}

	private void line(String text) {
		this.out.append(text).append('\n');
	}

}
