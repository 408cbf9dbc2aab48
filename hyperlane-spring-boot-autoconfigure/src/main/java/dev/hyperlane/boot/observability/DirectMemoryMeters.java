package dev.hyperlane.boot.observability;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.util.internal.PlatformDependent;

/**
 * Publishes direct memory against its ceiling, for the "direct memory near its ceiling" alert:
 * {@code hyperlane.direct.memory.used} (bytes: the JVM's {@code direct} buffer pool plus what Netty reserved
 * without a cleaner, which the JVM does not count) and {@code hyperlane.direct.memory.max} (bytes: Netty's limit,
 * {@code -XX:MaxDirectMemorySize} or {@code io.netty.maxDirectMemory}). Past the ceiling, allocations fail with
 * {@code OutOfDirectMemoryError} / {@code OutOfMemoryError: Cannot reserve direct buffer memory}. The figures are
 * those of the {@code runtime} endpoint section.
 */
public final class DirectMemoryMeters implements MeterBinder {

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("hyperlane.direct.memory.used", DirectMemoryMeters::used)
			.baseUnit("bytes")
			.description("Direct memory in use: the JVM's direct buffers plus Netty's cleaner-less ones")
			.register(registry);
		Gauge.builder("hyperlane.direct.memory.max", PlatformDependent::maxDirectMemory)
			.baseUnit("bytes")
			.description("Direct memory ceiling")
			.register(registry);
	}

	static double used() {
		long netty = Math.max(0, PlatformDependent.usedDirectMemory());
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				return pool.getMemoryUsed() + netty;
			}
		}
		return netty;
	}

}
