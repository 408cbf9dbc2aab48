package dev.hyperlane.benchmark;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;

/**
 * JVM figures the harness reads before and after each measured run ({@code GET /bench/jvm} on every target),
 * as one JSON object:
 * <ul>
 * <li>{@code allocatedBytes}: bytes allocated on the heap so far by the threads alive now (HotSpot's per-thread
 * allocation counters, {@code com.sun.management.ThreadMXBean}); threads that ended take their bytes with them,
 * so the difference between two readings slightly undercounts; -1 when the JVM does not count.</li>
 * <li>{@code gcCount} and {@code gcTimeMs}: collections and their accumulated time over every collector except
 * concurrent cycles (for G1 the young and mixed/full pauses).</li>
 * <li>{@code directBytes} and {@code directBuffers}: the JVM's {@code direct} buffer pool (NIO direct buffers,
 * which Netty's allocators use unless told to bypass the JDK's accounting).</li>
 * <li>{@code nettyDirectBytes}: Netty's own direct-memory counter, -1 when Netty is absent or does not count.</li>
 * <li>{@code heapUsedBytes}: heap in use.</li>
 * </ul>
 *
 * @author Hyperlane
 */
public final class JvmFigures {

	private JvmFigures() {
	}

	/**
	 * Reads the figures now.
	 * @return the figures as a JSON object
	 */
	public static String json() {
		long allocated = allocatedBytes();
		long gcCount = 0;
		long gcTime = 0;
		for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (gc.getName().contains("Concurrent")) {
				continue;
			}
			gcCount += Math.max(0, gc.getCollectionCount());
			gcTime += Math.max(0, gc.getCollectionTime());
		}
		long direct = -1;
		long buffers = -1;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				direct = pool.getMemoryUsed();
				buffers = pool.getCount();
			}
		}
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		return "{\"allocatedBytes\":" + allocated + ",\"gcCount\":" + gcCount + ",\"gcTimeMs\":" + gcTime
				+ ",\"directBytes\":" + direct + ",\"directBuffers\":" + buffers + ",\"nettyDirectBytes\":"
				+ nettyDirectBytes() + ",\"heapUsedBytes\":" + heap + "}";
	}

	private static long allocatedBytes() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		if (!(threads instanceof com.sun.management.ThreadMXBean counting)
				|| !counting.isThreadAllocatedMemorySupported() || !counting.isThreadAllocatedMemoryEnabled()) {
			return -1;
		}
		long sum = 0;
		for (long bytes : counting.getThreadAllocatedBytes(counting.getAllThreadIds())) {
			if (bytes > 0) {
				sum += bytes;
			}
		}
		return sum;
	}

	private static long nettyDirectBytes() {
		try {
			Class<?> platform = Class.forName("io.netty.util.internal.PlatformDependent");
			Method used = platform.getMethod("usedDirectMemory");
			return (long) used.invoke(null);
		}
		catch (ReflectiveOperationException | LinkageError ex) {
			return -1;
		}
	}

}
