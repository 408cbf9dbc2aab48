package dev.hyperlane.boot.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ContainerLimits}, on cgroup files written to a temporary directory.
 */
class ContainerLimitsTests {

	@TempDir
	Path root;

	@Test
	void cgroupV2QuotaAndMemoryLimit() throws IOException {
		Files.writeString(this.root.resolve("cpu.max"), "150000 100000\n");
		Files.writeString(this.root.resolve("memory.max"), "536870912\n");
		ContainerLimits limits = ContainerLimits.read(this.root);
		assertThat(limits.cpuQuota()).isEqualTo(1.5);
		assertThat(limits.memoryLimitBytes()).isEqualTo(536870912L);
	}

	@Test
	void cgroupV2WithoutLimits() throws IOException {
		Files.writeString(this.root.resolve("cpu.max"), "max 100000\n");
		Files.writeString(this.root.resolve("memory.max"), "max\n");
		ContainerLimits limits = ContainerLimits.read(this.root);
		assertThat(limits.cpuQuota()).isNull();
		assertThat(limits.memoryLimitBytes()).isNull();
	}

	@Test
	void cgroupV1QuotaAndMemoryLimit() throws IOException {
		Files.createDirectories(this.root.resolve("cpu"));
		Files.createDirectories(this.root.resolve("memory"));
		Files.writeString(this.root.resolve("cpu/cpu.cfs_quota_us"), "200000\n");
		Files.writeString(this.root.resolve("cpu/cpu.cfs_period_us"), "100000\n");
		Files.writeString(this.root.resolve("memory/memory.limit_in_bytes"), "9223372036854771712\n");
		ContainerLimits limits = ContainerLimits.read(this.root);
		assertThat(limits.cpuQuota()).isEqualTo(2.0);
		assertThat(limits.memoryLimitBytes()).isNull();
	}

	@Test
	void noCgroupFiles() {
		ContainerLimits limits = ContainerLimits.read(this.root.resolve("missing"));
		assertThat(limits.cpuQuota()).isNull();
		assertThat(limits.memoryLimitBytes()).isNull();
	}

	@Test
	void runtimeSectionAdvisesWhenHeapAndDirectMemoryExceedTheLimit() throws IOException {
		Files.writeString(this.root.resolve("cpu.max"), "max 100000\n");
		Files.writeString(this.root.resolve("memory.max"), "1048576\n");
		RuntimeSection section = new RuntimeSection(this.root);
		assertThat(section.describe()).containsEntry("containerMemoryLimitBytes", 1048576L);
		assertThat(section.advice()).anySatisfy((advice) -> assertThat(advice.finding())
			.contains("exceed the container memory limit"));
	}

}
