package dev.hyperlane.boot;

import java.util.List;

/**
 * A bean whose figures Hyperlane publishes as meters: it lists them as {@link ScrapedMeter}s, with JDK types only,
 * and the observability package's one binder registers the meters of every source in every Micrometer registry
 * (when Micrometer is on the class path). A source whose meters grow while the application runs (hedging: a service
 * is first hedged) announces it through {@link #onMetersAdded}. An application replaces a source by declaring a bean
 * of the source's type, or adds its own by declaring one more {@code MeterSource}.
 */
public interface MeterSource {

	/**
	 * Return the meters published now.
	 * @return the meters, empty for none
	 */
	List<ScrapedMeter<?>> meters();

	/**
	 * Run an action each time {@link #meters()} has grown; by default the meters never grow.
	 * @param action the action, which registers the meters again (those already registered stay as they are)
	 */
	default void onMetersAdded(Runnable action) {
	}

}
