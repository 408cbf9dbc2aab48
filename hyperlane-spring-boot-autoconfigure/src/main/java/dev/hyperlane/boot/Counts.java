package dev.hyperlane.boot;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * A table of counts since start, one {@link LongAdder} per constant of an enum. The enum declares each count once:
 * the constant is its name, the constant's Javadoc its meaning. Code that counts adds one with
 * {@link #increment(Enum)} (an array slot by ordinal, then one {@link LongAdder#increment()}: no look-up by name, no
 * boxing, no allocation); the endpoint's sections read every count at once with {@link #toMap()}, each under its
 * constant's name in lower camel case ({@code REQUESTS_WITH_DEADLINE} is shown as {@code requestsWithDeadline}, see
 * {@link #key(Enum)}), and the meters read one count with {@link #get(Enum)}. The server and its concurrency limit,
 * each service's client, balancer and hedging, and the deadlines keep their counts in one. Thread-safe.
 *
 * @param <K> the enum whose constants are the counts
 */
public final class Counts<K extends Enum<K>> {

	private final K[] keys;

	private final LongAdder[] counts;

	/**
	 * Create a table with every count at 0.
	 * @param type the enum whose constants are the counts
	 */
	public Counts(Class<K> type) {
		this.keys = type.getEnumConstants();
		this.counts = new LongAdder[this.keys.length];
		for (int i = 0; i < this.counts.length; i++) {
			this.counts[i] = new LongAdder();
		}
	}

	/**
	 * Count one more of something.
	 * @param count what happened
	 */
	public void increment(K count) {
		this.counts[count.ordinal()].increment();
	}

	/**
	 * Return how many times something happened since start.
	 * @param count what happened
	 * @return the count
	 */
	public long get(K count) {
		return this.counts[count.ordinal()].sum();
	}

	/**
	 * Return every count by its {@linkplain #key(Enum) key}, in the order of the enum's constants.
	 * @return a new modifiable map of the counts now
	 */
	public Map<String, Long> toMap() {
		Map<String, Long> counts = new LinkedHashMap<>();
		for (K key : this.keys) {
			counts.put(key(key), get(key));
		}
		return counts;
	}

	/**
	 * Return the name an enum constant is shown under: its name in lower camel case.
	 * @param constant the constant, such as {@code REQUESTS_WITH_DEADLINE}
	 * @return the name, such as {@code requestsWithDeadline}
	 */
	public static String key(Enum<?> constant) {
		String[] words = constant.name().toLowerCase(Locale.ROOT).split("_");
		StringBuilder key = new StringBuilder(words[0]);
		for (int i = 1; i < words.length; i++) {
			key.append(Character.toUpperCase(words[i].charAt(0))).append(words[i], 1, words[i].length());
		}
		return key.toString();
	}

}
