package dev.hyperlane.boot.runtime;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;
import io.netty.util.internal.PlatformDependent;

/**
 * The {@code runtime} section: CPUs the JVM sees, the container's CPU quota and memory limit, heap, direct memory
 * (the JVM's ceiling and what is in use) and the garbage collector. Advises against the Serial collector that the
 * JVM picks on its own when it sees fewer than 2 CPUs or less than 1792 MB (JDK's server-class machine rule).
 *
 * @param name the section's name, {@link SectionNames#RUNTIME}
 * @param cgroupRoot the root of the control group file system read for the container's limits
 * @param jsonThreadLocalBuffers whether Spring Boot's JSON mapper keeps Jackson's buffers per thread
 * ({@link JsonBuffersAutoConfiguration}), listed as a departure from Spring Boot's behaviour
 */
public record RuntimeSection(String name, Path cgroupRoot, boolean jsonThreadLocalBuffers)
		implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#RUNTIME}.
	 * @param cgroupRoot the root of the control group file system read for the container's limits
	 * @param jsonThreadLocalBuffers whether Spring Boot's JSON mapper keeps Jackson's buffers per thread
	 * ({@link JsonBuffersAutoConfiguration}), listed as a departure from Spring Boot's behaviour
	 */
	public RuntimeSection(Path cgroupRoot, boolean jsonThreadLocalBuffers) {
		this(SectionNames.RUNTIME, cgroupRoot, jsonThreadLocalBuffers);
	}

	/**
	 * Create a section that reads the control group below {@code /sys/fs/cgroup}.
	 * @param jsonThreadLocalBuffers whether Spring Boot's JSON mapper keeps Jackson's buffers per thread
	 * ({@link JsonBuffersAutoConfiguration}), listed as a departure from Spring Boot's behaviour
	 */
	public RuntimeSection(boolean jsonThreadLocalBuffers) {
		this(Path.of("/sys/fs/cgroup"), jsonThreadLocalBuffers);
	}

	RuntimeSection(Path cgroupRoot) {
		this(cgroupRoot, false);
	}

	@Override
	public Map<String, Object> describe() {
		Runtime runtime = Runtime.getRuntime();
		ContainerLimits limits = ContainerLimits.read(this.cgroupRoot);
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("cpus", runtime.availableProcessors());
		description.put("containerCpuQuota", (limits.cpuQuota() != null) ? limits.cpuQuota() : "none");
		description.put("containerMemoryLimitBytes",
				(limits.memoryLimitBytes() != null) ? limits.memoryLimitBytes() : "none");
		description.put("heapMaxBytes", runtime.maxMemory());
		description.put("heapUsedBytes", runtime.totalMemory() - runtime.freeMemory());
		description.put("maxDirectMemoryBytes", PlatformDependent.maxDirectMemory());
		description.put("directMemoryUsedBytes", directMemoryUsed());
		description.put("garbageCollector", garbageCollector());
		description.put("javaVersion", System.getProperty("java.version"));
		description.put("jsonBufferPool", this.jsonThreadLocalBuffers
				? "per thread (" + JsonBuffers.PROPERTY
						+ "; Spring 7.0.8's JSON encoder never returns Jackson 3's shared buffers)"
				: "Jackson's default");
		return description;
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		return this.jsonThreadLocalBuffers ? List.of(new ChangedDefault(JsonBuffers.PROPERTY, "true")) : List.of();
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		if ("Serial".equals(garbageCollector())) {
			advice.add(Advice.warning(
					"the JVM chose the Serial collector (it sees " + Runtime.getRuntime().availableProcessors()
							+ " CPU(s)): every collection stops all event loops",
					"JAVA_TOOL_OPTIONS",
					"add -XX:+UseG1GC (or -XX:+UseParallelGC on 1 CPU), or give the container at least 2 CPUs"));
		}
		ContainerLimits limits = ContainerLimits.read(this.cgroupRoot);
		Long memoryLimit = limits.memoryLimitBytes();
		long heapAndDirect = Runtime.getRuntime().maxMemory() + PlatformDependent.maxDirectMemory();
		if (memoryLimit != null && heapAndDirect > memoryLimit) {
			advice.add(Advice.warning(
					"max heap + max direct memory (" + heapAndDirect + " B) exceed the container memory limit ("
							+ memoryLimit + " B): the kernel may kill the process under load",
					"JAVA_TOOL_OPTIONS", "lower -XX:MaxRAMPercentage or set -XX:MaxDirectMemorySize explicitly"));
		}
		return advice;
	}

	static long directMemoryUsed() {
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				return pool.getMemoryUsed() + Math.max(0, PlatformDependent.usedDirectMemory());
			}
		}
		return Math.max(0, PlatformDependent.usedDirectMemory());
	}

	static String garbageCollector() {
		List<String> names = ManagementFactory.getGarbageCollectorMXBeans()
			.stream()
			.map(GarbageCollectorMXBean::getName)
			.toList();
		String joined = String.join(",", names);
		if (joined.contains("G1")) {
			return "G1";
		}
		if (joined.contains("ZGC")) {
			return "ZGC";
		}
		if (joined.contains("Shenandoah")) {
			return "Shenandoah";
		}
		if (joined.contains("PS ") || joined.contains("Parallel")) {
			return "Parallel";
		}
		if (joined.contains("Copy") || joined.contains("MarkSweepCompact")) {
			return "Serial";
		}
		return names.isEmpty() ? "unknown" : joined;
	}

}
