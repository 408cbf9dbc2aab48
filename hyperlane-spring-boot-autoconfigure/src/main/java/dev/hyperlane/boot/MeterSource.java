package dev.hyperlane.boot;

import java.util.List;

/**
 * A bean whose figures Hyperlane publishes as meters: it lists them as {@link ScrapedMeter}s, with JDK types only,
 * and the observability package's one binder registers the meters of every source in every Micrometer registry
 * (when Micrometer is on the class path) and removes them from those registries. A source whose meters change while
 * the application runs (hedging: a service is first hedged; the load balancer: an instance is listed or leaves its
 * service's list) tells the binder which meters it started and stopped listing through {@link #onMetersChanged}.
 * An application replaces a source by declaring a bean of the source's type, or adds its own by declaring one more
 * {@code MeterSource}.
 */
public interface MeterSource {

	/**
	 * Return the meters published now.
	 * @return the meters, empty for none
	 */
	List<ScrapedMeter<?>> meters();

	/**
	 * Give the source the listener it tells of each change of {@link #meters()}, after the change; by default the
	 * meters never change. The binder gives it once, when it is first bound to a registry, and registers the meters
	 * listed then: a source keeps the last listener given.
	 * @param listener the listener
	 */
	default void onMetersChanged(Listener listener) {
	}

	/**
	 * Told which meters a {@link MeterSource} started and stopped listing. A meter is known by its name and tags, as
	 * Micrometer knows it: a meter added again stays as it is, and a meter removed is removed whatever its reader.
	 * Changes are rare (never per request), so a call may take a lock.
	 */
	interface Listener {

		/**
		 * Register meters the source lists from now on.
		 * @param meters the meters added
		 */
		void added(List<ScrapedMeter<?>> meters);

		/**
		 * Remove meters the source no longer lists.
		 * @param meters the meters removed, by name and tags
		 */
		void removed(List<ScrapedMeter<?>> meters);

	}

}
