package dev.hyperlane.boot.observability;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;

/**
 * The one {@link MeterBinder} of Hyperlane's scraped meters: registers the {@link ScrapedMeter}s of every
 * {@link MeterSource} bean (deadlines, hedging, the server's concurrency limit, the clients' retries, event loops,
 * direct memory) in each registry Spring Boot binds it to, as function counters and gauges read when the registry
 * is scraped, and registers a source's meters again when the source announces new ones (a meter already registered
 * stays as it is). The sources are looked up when a registry is bound, so a source is never created for the binder's
 * sake before the application context has created it.
 */
public final class MeterSourcesBinder implements MeterBinder {

	private final ObjectProvider<MeterSource> sources;

	private final List<MeterRegistry> registries = new CopyOnWriteArrayList<>();

	private final Set<MeterSource> followed = ConcurrentHashMap.newKeySet();

	/**
	 * Create the binder.
	 * @param sources the meter sources
	 */
	public MeterSourcesBinder(ObjectProvider<MeterSource> sources) {
		this.sources = sources;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		this.registries.add(registry);
		this.sources.orderedStream().forEach((source) -> {
			register(registry, source);
			if (this.followed.add(source)) {
				source.onMetersAdded(() -> this.registries.forEach((bound) -> register(bound, source)));
			}
		});
	}

	private static void register(MeterRegistry registry, MeterSource source) {
		for (ScrapedMeter<?> meter : source.meters()) {
			register(registry, meter);
		}
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
