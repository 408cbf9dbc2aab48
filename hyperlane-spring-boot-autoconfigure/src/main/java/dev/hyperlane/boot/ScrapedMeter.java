package dev.hyperlane.boot;

import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.jspecify.annotations.Nullable;

/**
 * One meter a {@link MeterSource} publishes, described with JDK types only so that the feature declaring it loads
 * without Micrometer (an optional dependency): the observability package's binder registers it as a Micrometer
 * function counter ({@link Kind#COUNTER}, a total) or gauge ({@link Kind#GAUGE}, a current value) that reads the
 * figure when a registry is scraped, so it costs nothing per request. As Micrometer's function meters do, the meter
 * holds its {@code source} weakly: the source must be held elsewhere (a bean, or an object a bean holds).
 *
 * @param <T> the type of the object read
 * @param kind counter or gauge
 * @param name the meter name, such as {@code hyperlane.deadline.requests}
 * @param tags the tags by key, empty for none
 * @param source the object read
 * @param reader reads the figure from the object
 * @param unit the base unit, such as {@code bytes}, or {@code null}
 * @param description the description
 */
public record ScrapedMeter<T>(Kind kind, String name, Map<String, String> tags, T source, ToDoubleFunction<T> reader,
		@Nullable String unit, String description) {

	/**
	 * A function counter of a total kept by an object.
	 * @param name the meter name
	 * @param tags the tags
	 * @param source the object read
	 * @param reader reads the total
	 * @param unit the unit, or {@code null}
	 * @param description the description
	 * @param <T> the object's type
	 * @return the meter
	 */
	public static <T> ScrapedMeter<T> counter(String name, Map<String, String> tags, T source,
			ToDoubleFunction<T> reader, @Nullable String unit, String description) {
		return new ScrapedMeter<>(Kind.COUNTER, name, tags, source, reader, unit, description);
	}

	/**
	 * A function counter of one count of a table.
	 * @param name the meter name
	 * @param tags the tags
	 * @param counts the table read
	 * @param count the count published
	 * @param description the description
	 * @param <K> the enum of the table's counts
	 * @return the meter, without unit
	 */
	public static <K extends Enum<K>> ScrapedMeter<Counts<K>> counter(String name, Map<String, String> tags,
			Counts<K> counts, K count, String description) {
		return counter(name, tags, counts, (table) -> table.get(count), null, description);
	}

	/**
	 * A gauge of a current value of an object.
	 * @param name the meter name
	 * @param tags the tags
	 * @param source the object read
	 * @param reader reads the value
	 * @param unit the unit, or {@code null}
	 * @param description the description
	 * @param <T> the object's type
	 * @return the meter
	 */
	public static <T> ScrapedMeter<T> gauge(String name, Map<String, String> tags, T source,
			ToDoubleFunction<T> reader, @Nullable String unit, String description) {
		return new ScrapedMeter<>(Kind.GAUGE, name, tags, source, reader, unit, description);
	}

	/**
	 * What a meter publishes.
	 */
	public enum Kind {

		/** A total that only grows, published as a function counter. */
		COUNTER,

		/** A current value, published as a gauge. */
		GAUGE

	}

}
