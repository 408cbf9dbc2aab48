package dev.hyperlane.boot.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A Micrometer {@link MeterFilter} that bounds the values of the {@code uri} tag of every {@code reactor.netty.*}
 * meter: per meter name prefix ({@code reactor.netty.http.server}, {@code reactor.netty.http.client}, ...) at most
 * {@code cap} distinct values are kept; the last place is taken by {@value #OVERFLOW}, under which every later new
 * value is recorded. Spring Boot's own cap ({@code management.metrics.web.server.max-uri-tags}) covers only
 * {@code http.*} meters; without one, Reactor Netty's meters grow a timer per raw path (reactor-netty #2591,
 * #3044). A warning is logged once per prefix when the cap is reached. Thread-safe.
 */
public final class UriTagCap implements MeterFilter {

	/** The tag value that stands for every value past the cap. */
	public static final String OVERFLOW = "OVERFLOW";

	private static final Log logger = LogFactory.getLog(UriTagCap.class);

	private static final String URI = "uri";

	private final int cap;

	private final Map<String, Group> groups = new ConcurrentHashMap<>();

	/**
	 * Create a cap.
	 * @param cap the most distinct values per prefix, {@value #OVERFLOW} included; at least 2
	 */
	public UriTagCap(int cap) {
		if (cap < 2) {
			throw new IllegalArgumentException("cap must be 2 or more, was " + cap);
		}
		this.cap = cap;
	}

	@Override
	public Meter.Id map(Meter.Id id) {
		if (!id.getName().startsWith("reactor.netty.")) {
			return id;
		}
		String value = id.getTag(URI);
		if (value == null) {
			return id;
		}
		Group group = this.groups.computeIfAbsent(prefix(id.getName()), (prefix) -> new Group());
		if (group.admit(value, this.cap)) {
			return id;
		}
		group.overflowed.increment();
		warnOnce(prefix(id.getName()), group);
		return id.replaceTags(replaced(id, OVERFLOW));
	}

	/**
	 * Bound a value before it reaches Reactor Netty, which keeps a meter per value in its own cache: the same
	 * accounting as the filter, so the filter later admits what this admitted.
	 * @param prefix the meter name prefix, such as {@code reactor.netty.http.client}
	 * @param value the tag value
	 * @return the value, or {@value #OVERFLOW} when the prefix is full
	 */
	public String limit(String prefix, String value) {
		Group group = this.groups.computeIfAbsent(prefix, (key) -> new Group());
		if (group.admit(value, this.cap)) {
			return value;
		}
		group.overflowed.increment();
		warnOnce(prefix, group);
		return OVERFLOW;
	}

	private void warnOnce(String prefix, Group group) {
		if (group.warned.compareAndSet(false, true)) {
			logger.warn("The uri tag of " + prefix + ".* meters reached its cap of " + this.cap
					+ " values; later values are recorded as " + OVERFLOW + ". Use URI templates"
					+ " (WebClient.get().uri(\"/items/{id}\", id)) or raise hyperlane.observability.uri-tag-cap.");
		}
	}

	private static Iterable<Tag> replaced(Meter.Id id, String value) {
		return id.getTags().stream().map((tag) -> tag.getKey().equals(URI) ? Tag.of(URI, value) : tag).toList();
	}

	static String prefix(String name) {
		// reactor.netty.http.server.data.received -> reactor.netty.http.server
		String[] parts = name.split("\\.");
		return (parts.length >= 4) ? String.join(".", parts[0], parts[1], parts[2], parts[3]) : name;
	}

	/**
	 * Return the cap.
	 * @return the most distinct values per prefix
	 */
	public int cap() {
		return this.cap;
	}

	/**
	 * Return the distinct values seen per prefix, {@value #OVERFLOW} included.
	 * @return the counts by prefix
	 */
	public Map<String, Integer> distinctValues() {
		Map<String, Integer> counts = new LinkedHashMap<>();
		this.groups.forEach((prefix, group) -> counts.put(prefix, group.values.size()));
		return counts;
	}

	/**
	 * Return how many meter registrations were folded into {@value #OVERFLOW}, per prefix.
	 * @return the counts by prefix
	 */
	public Map<String, Long> overflowed() {
		Map<String, Long> counts = new LinkedHashMap<>();
		this.groups.forEach((prefix, group) -> counts.put(prefix, group.overflowed.sum()));
		return counts;
	}

	private static final class Group {

		final Set<String> values = ConcurrentHashMap.newKeySet();

		final LongAdder overflowed = new LongAdder();

		final AtomicBoolean warned = new AtomicBoolean();

		boolean admit(String value, int cap) {
			// the tag functions call this for every request: a known value takes no lock
			return this.values.contains(value) || admitNew(value, cap);
		}

		private synchronized boolean admitNew(String value, int cap) {
			if (this.values.contains(value)) {
				return true;
			}
			if (this.values.size() < cap - 1) {
				this.values.add(value);
				return true;
			}
			this.values.add(OVERFLOW);
			return value.equals(OVERFLOW);
		}

	}

}
