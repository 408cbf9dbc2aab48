package dev.hyperlane.boot.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jspecify.annotations.Nullable;

/**
 * The CPU quota and memory limit of the Linux control group the process runs in, read from cgroup v2
 * ({@code cpu.max}, {@code memory.max}) or cgroup v1 ({@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes}).
 * A value is {@code null} when there is no limit or the files cannot be read (not Linux, no cgroup mount).
 *
 * @param cpuQuota CPUs the quota allows, such as {@code 1.5}, or {@code null}
 * @param memoryLimitBytes the memory limit in bytes, or {@code null}
 */
public record ContainerLimits(@Nullable Double cpuQuota, @Nullable Long memoryLimitBytes) {

	private static final long NO_LIMIT_V1 = 0x7FFFFFFFFFFFF000L;

	/**
	 * Read the limits below the given cgroup mount.
	 * @param cgroupRoot usually {@code /sys/fs/cgroup}
	 * @return the limits
	 */
	public static ContainerLimits read(Path cgroupRoot) {
		return new ContainerLimits(cpuQuota(cgroupRoot), memoryLimit(cgroupRoot));
	}

	private static @Nullable Double cpuQuota(Path root) {
		String v2 = readLine(root.resolve("cpu.max"));
		if (v2 != null) {
			String[] parts = v2.split("\\s+");
			if (parts.length == 2 && !"max".equals(parts[0])) {
				return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
			}
			return null;
		}
		String quota = readLine(root.resolve("cpu/cpu.cfs_quota_us"));
		String period = readLine(root.resolve("cpu/cpu.cfs_period_us"));
		if (quota != null && period != null && Long.parseLong(quota) > 0) {
			return Double.parseDouble(quota) / Double.parseDouble(period);
		}
		return null;
	}

	private static @Nullable Long memoryLimit(Path root) {
		String v2 = readLine(root.resolve("memory.max"));
		if (v2 != null) {
			return "max".equals(v2) ? null : Long.parseLong(v2);
		}
		String v1 = readLine(root.resolve("memory/memory.limit_in_bytes"));
		if (v1 != null) {
			long limit = Long.parseLong(v1);
			return (limit >= NO_LIMIT_V1) ? null : limit;
		}
		return null;
	}

	private static @Nullable String readLine(Path file) {
		try {
			if (!Files.isReadable(file)) {
				return null;
			}
			String content = Files.readString(file, StandardCharsets.US_ASCII).trim();
			return content.isEmpty() ? null : content;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
