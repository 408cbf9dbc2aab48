package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.ExplicitProperties;
import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.SettingSource;
import io.netty.buffer.ByteBufAllocator;

import org.springframework.beans.factory.DisposableBean;

/**
 * What the transport package hands to the server and the clients: the selected {@link Transport}, the shared
 * event loops and the buffer allocator, with every effective value and its source. The event loops are owned
 * here and shut down gracefully when the application context closes (quiet period
 * {@code spring.reactor.netty.shutdown-quiet-period}, default 2 s as in Reactor Netty, at most 15 s).
 *
 * @param selection the transport selection
 * @param loopResources the event loops shared by the server and the clients
 * @param allocator the buffer allocator for every channel
 * @param allocatorType the configured allocator type
 * @param quietPeriod the graceful shutdown quiet period of the event loops
 * @param effective each transport setting with its source and reason, keyed by property name
 */
public record TransportResources(TransportSelection selection, HyperlaneLoopResources loopResources,
		ByteBufAllocator allocator, AllocatorType allocatorType, Duration quietPeriod,
		Map<String, EffectiveSetting> effective) implements DisposableBean {

	static final Duration DEFAULT_QUIET_PERIOD = Duration.ofSeconds(2);

	private static final String PREFIX = "hyperlane.transport";

	static final Setting<TransportProperties, Integer> EVENT_LOOP_THREADS = Setting
		.of("event-loop-threads", Integer.class, TransportProperties::eventLoopThreads, null,
				"one event loop per CPU the JVM sees")
		.withCheck((threads) -> threads >= 1 && threads <= 4096, "1 to 4096, or remove it to use one per CPU");

	static final Setting<TransportProperties, AllocatorType> ALLOCATOR = Setting.of("allocator", AllocatorType.class,
			TransportProperties::allocator, AllocatorType.ADAPTIVE,
			"Netty 4.2's own; measured against pooled (benchmarks/allocator): same throughput and p99 within the"
					+ " spread, about 8x less direct memory; pooled if netty #15850 bites");

	static final Setting<TransportProperties, Boolean> PREFER_DIRECT = Setting.of("prefer-direct", Boolean.class,
			TransportProperties::preferDirect, true,
			"direct buffers are written to sockets without a copy into native memory");

	/** The transport settings resolved from descriptors; the configuration metadata is checked against them. */
	public static final List<Setting<TransportProperties, ?>> SETTINGS = List.of(EVENT_LOOP_THREADS, ALLOCATOR,
			PREFER_DIRECT);

	static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(15);

	/**
	 * Keep the effective settings read-only.
	 */
	public TransportResources {
		effective = Collections.unmodifiableMap(effective);
	}

	/**
	 * Build the transport resources from the properties.
	 * @param properties the bound {@code hyperlane.transport.*} properties
	 * @param explicit tells which properties the application set
	 * @param classLoader the class loader to look for native transports with
	 * @param quietPeriod the graceful shutdown quiet period of the event loops
	 * @return the resources, with running event loops
	 * @throws HyperlaneSettingException when the requested transport cannot load or the thread count is invalid
	 */
	public static TransportResources create(TransportProperties properties, ExplicitProperties explicit,
			ClassLoader classLoader, Duration quietPeriod) {
		TransportSelection selection = new TransportSelector(classLoader).select(properties.type());
		Map<String, EffectiveSetting> effective = new LinkedHashMap<>();
		String typeProperty = PREFIX + ".type";
		effective.put(typeProperty, new EffectiveSetting(typeProperty, selection.transport().displayName(),
				explicit.isSet(typeProperty) ? SettingSource.PROPERTY : SettingSource.DERIVED, selection.reason()));
		SettingResolver<TransportProperties> resolver = new SettingResolver<>(
				List.of(SettingResolver.Layer.explicit(PREFIX, properties, explicit)), PREFIX, explicit, null);
		int cpus = Runtime.getRuntime().availableProcessors();
		int threads = resolver.derive(EVENT_LOOP_THREADS, cpus, "one event loop per CPU the JVM sees (" + cpus
				+ ", which follows the container's CPU quota): event loops never block, so more loops than CPUs only"
				+ " add context switches");
		AllocatorType allocatorType = Objects.requireNonNull(resolver.resolve(ALLOCATOR));
		boolean preferDirect = Boolean.TRUE.equals(resolver.resolve(PREFER_DIRECT));
		effective.putAll(resolver.settings().byProperty());
		effective.put("spring.reactor.netty.shutdown-quiet-period",
				new EffectiveSetting("spring.reactor.netty.shutdown-quiet-period", quietPeriod,
						explicit.isSet("spring.reactor.netty.shutdown-quiet-period") ? SettingSource.BOOT_PROPERTY
								: SettingSource.DEFAULT,
						"event loops finish queued tasks for this long before they stop (Reactor Netty's default: 2s)"));
		HyperlaneLoopResources loops = new HyperlaneLoopResources(selection.transport(), threads, "hyperlane-loop");
		ByteBufAllocator allocator = Allocators.create(allocatorType, preferDirect);
		return new TransportResources(selection, loops, allocator, allocatorType, quietPeriod, effective);
	}

	/**
	 * Return the transport every channel runs on.
	 * @return the transport
	 */
	public Transport transport() {
		return this.selection.transport();
	}

	/**
	 * Return a mapper from the socket-option vocabulary to the active transport.
	 * @return the mapper
	 */
	public SocketOptionMapper socketOptionMapper() {
		return new SocketOptionMapper(this.selection.transport());
	}

	@Override
	public void destroy() {
		this.loopResources.disposeLater(this.quietPeriod, SHUTDOWN_TIMEOUT).block(SHUTDOWN_TIMEOUT.plusSeconds(1));
	}

}
