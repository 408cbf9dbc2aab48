package dev.hyperlane.boot.observability;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import io.netty.util.internal.PlatformDependent;

/**
 * Publishes direct memory against its ceiling, for the "direct memory near its ceiling" alert:
 * {@code hyperlane.direct.memory.used} (bytes: the JVM's {@code direct} buffer pool plus what Netty reserved
 * without a cleaner, which the JVM does not count) and {@code hyperlane.direct.memory.max} (bytes: Netty's limit,
 * {@code -XX:MaxDirectMemorySize} or {@code io.netty.maxDirectMemory}). Past the ceiling, allocations fail with
 * {@code OutOfDirectMemoryError} / {@code OutOfMemoryError: Cannot reserve direct buffer memory}. The figures are
 * those of the {@code runtime} endpoint section.
 */
public final class DirectMemoryMeters implements MeterSource {

	@Override
	public List<ScrapedMeter<?>> meters() {
		return List.of(
				ScrapedMeter.gauge("hyperlane.direct.memory.used", Map.of(), this, (source) -> used(), "bytes",
						"Direct memory in use: the JVM's direct buffers plus Netty's cleaner-less ones"),
				ScrapedMeter.gauge("hyperlane.direct.memory.max", Map.of(), this,
						(source) -> PlatformDependent.maxDirectMemory(), "bytes", "Direct memory ceiling"));
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
