package dev.hyperlane.benchmark.registry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Median and range of a few repetitions, as {@code median (min-max)}.
 */
final class Stats {

	private Stats() {
	}

	static String summary(List<Double> values, String format) {
		List<Double> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		double median = (sorted.size() % 2 == 1) ? sorted.get(sorted.size() / 2)
				: (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
		return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median, sorted.get(0),
				sorted.get(sorted.size() - 1));
	}

}
