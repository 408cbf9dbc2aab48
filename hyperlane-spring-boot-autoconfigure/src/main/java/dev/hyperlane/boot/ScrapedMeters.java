package dev.hyperlane.boot;

import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

/**
 * A {@link MeterBinder} whose meters read figures of one object when a registry is scraped, so they cost nothing
 * per request: function counters for totals, gauges for current values. The meter binders of the server's
 * concurrency limit, the deadlines, the event loops and the clients' retries share it.
 *
 * @param <S> the type of the object read
 */
public abstract class ScrapedMeters<S> implements MeterBinder {

	private final S source;

	/**
	 * Create the binder.
	 * @param source the object whose figures are published
	 */
	protected ScrapedMeters(S source) {
		this.source = source;
	}

	/**
	 * Return the object whose figures are published.
	 * @return the source
	 */
	protected final S source() {
		return this.source;
	}

	/**
	 * Register a function counter of a total kept by an object.
	 * @param registry the registry
	 * @param name the meter name
	 * @param tags the tags
	 * @param object the object read, such as the source
	 * @param count reads the total
	 * @param baseUnit the unit, or {@code null}
	 * @param description the description
	 * @param <T> the object's type
	 */
	protected static <T> void counter(MeterRegistry registry, String name, Tags tags, T object,
			ToDoubleFunction<T> count, @Nullable String baseUnit, String description) {
		FunctionCounter.builder(name, object, count)
			.tags(tags)
			.baseUnit(baseUnit)
			.description(description)
			.register(registry);
	}

	/**
	 * Register a function counter of one count of a table.
	 * @param registry the registry
	 * @param name the meter name
	 * @param tags the tags
	 * @param counts the table read, held by the source
	 * @param count the count published
	 * @param description the description
	 * @param <K> the enum of the table's counts
	 */
	protected static <K extends Enum<K>> void counter(MeterRegistry registry, String name, Tags tags, Counts<K> counts,
			K count, String description) {
		counter(registry, name, tags, counts, (table) -> table.get(count), null, description);
	}

	/**
	 * Register a gauge of a current value of an object.
	 * @param registry the registry
	 * @param name the meter name
	 * @param tags the tags
	 * @param object the object read, such as the source
	 * @param value reads the value
	 * @param baseUnit the unit, or {@code null}
	 * @param description the description
	 * @param <T> the object's type
	 */
	protected static <T> void gauge(MeterRegistry registry, String name, Tags tags, T object, ToDoubleFunction<T> value,
			@Nullable String baseUnit, String description) {
		Gauge.builder(name, object, value).tags(tags).baseUnit(baseUnit).description(description).register(registry);
	}

}
