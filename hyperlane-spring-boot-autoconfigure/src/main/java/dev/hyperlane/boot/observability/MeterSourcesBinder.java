package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The one {@link MeterBinder} of Hyperlane's scraped meters: registers the {@link ScrapedMeter}s of every
 * {@link MeterSource} bean (deadlines, hedging, the server's concurrency limit, the clients' retries, the load
 * balancer's instances, event loops, direct memory) in each registry Spring Boot binds it to, as function counters
 * and gauges read when the registry is scraped, and follows each source's changes
 * ({@link MeterSource#onMetersChanged}): a meter a source adds is registered (one already registered stays as it
 * is), a meter it removes is removed from every registry (by the name and tags it was registered with, before the
 * registry's filters). The sources are looked up when a registry is bound, so a source is never created for the
 * binder's sake before the application context has created it. Registering and removing hold the binder's lock, and
 * a source's listener is set before its meters are read, so a change made while a registry is bound is never lost.
 */
public final class MeterSourcesBinder implements MeterBinder {

	private final ObjectProvider<MeterSource> sources;

	private final List<MeterRegistry> registries = new ArrayList<>();

	private final Set<MeterSource> followed = new HashSet<>();

	private final MeterSource.Listener changes = new MeterSource.Listener() {

		@Override
		public void added(List<ScrapedMeter<?>> meters) {
			register(meters);
		}

		@Override
		public void removed(List<ScrapedMeter<?>> meters) {
			remove(meters);
		}

	};

	/**
	 * Create the binder.
	 * @param sources the meter sources
	 */
	public MeterSourcesBinder(ObjectProvider<MeterSource> sources) {
		this.sources = sources;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		List<MeterSource> sources = this.sources.orderedStream().toList();
		synchronized (this) {
			this.registries.add(registry);
			for (MeterSource source : sources) {
				if (this.followed.add(source)) {
					source.onMetersChanged(this.changes);
				}
				for (ScrapedMeter<?> meter : source.meters()) {
					register(registry, meter);
				}
			}
		}
	}

	private synchronized void register(List<ScrapedMeter<?>> meters) {
		for (MeterRegistry registry : this.registries) {
			for (ScrapedMeter<?> meter : meters) {
				register(registry, meter);
			}
		}
	}

	private synchronized void remove(List<ScrapedMeter<?>> meters) {
		for (MeterRegistry registry : this.registries) {
			for (ScrapedMeter<?> meter : meters) {
				registry.removeByPreFilterId(id(meter));
			}
		}
	}

	private static Meter.Id id(ScrapedMeter<?> meter) {
		Meter.Type type = (meter.kind() == ScrapedMeter.Kind.COUNTER) ? Meter.Type.COUNTER : Meter.Type.GAUGE;
		// the id the builders registered it with; registries compare ids by name and tags
		return new Meter.Id(meter.name(), tags(meter.tags()), meter.unit(), meter.description(), type);
	}

	private static <T> void register(MeterRegistry registry, ScrapedMeter<T> meter) {
		Tags tags = tags(meter.tags());
		switch (meter.kind()) {
			case COUNTER -> FunctionCounter.builder(meter.name(), meter.source(), meter.reader())
				.tags(tags)
				.baseUnit(meter.unit())
				.description(meter.description())
				.register(registry);
			case GAUGE -> Gauge.builder(meter.name(), meter.source(), meter.reader())
				.tags(tags)
				.baseUnit(meter.unit())
				.description(meter.description())
				.register(registry);
		}
	}

	private static Tags tags(Map<String, String> tags) {
		Tags result = Tags.empty();
		for (Map.Entry<String, String> tag : tags.entrySet()) {
			result = result.and(tag.getKey(), tag.getValue());
		}
		return result;
	}

}
