package dev.hyperlane.boot.transport;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Advice;
import dev.hyperlane.boot.ChangedDefault;
import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.netty.util.internal.PlatformDependent;

/**
 * The {@code transport} section of the {@code hyperlane} endpoint: the transport in use and why, the event loops
 * with their pending tasks, the allocator with its live figures (used direct and heap memory, arenas, thread
 * caches), and each setting with its source. Advises when there are more event loops than CPUs, when the
 * direct-memory ceiling left the pooled allocator fewer direct arenas than event loops (contention), and when a
 * native transport failed to load on Linux, and when io_uring runs with Netty's multishot accept on.
 *
 * @param name the section's name, {@link SectionNames#TRANSPORT}
 * @param resources the transport resources in use
 */
public record TransportSection(String name, TransportResources resources) implements HyperlaneSection {

	/**
	 * Create the section, named {@link SectionNames#TRANSPORT}.
	 * @param resources the transport resources in use
	 */
	public TransportSection(TransportResources resources) {
		this(SectionNames.TRANSPORT, resources);
	}

	@Override
	public List<ChangedDefault> changedBootDefaults() {
		// Reactor Netty prefers io_uring too, but plain Boot brings only epoll's natives (x86_64); Reactor Netty
		// runs max(CPUs, 4) event loops (reactor.netty.ioWorkerCount)
		Map<String, EffectiveSetting> effective = this.resources.effective();
		List<ChangedDefault> changes = new ArrayList<>();
		ChangedDefault.addIfChanged(changes, effective.get("hyperlane.transport.type"), "epoll");
		ChangedDefault.addIfChanged(changes, effective.get("hyperlane.transport.event-loop-threads"),
				Math.max(Runtime.getRuntime().availableProcessors(), 4));
		ChangedDefault.addIfChanged(changes, effective.get("hyperlane.transport.allocator"), AllocatorType.ADAPTIVE);
		return changes;
	}

	@Override
	public Map<String, Object> describe() {
		TransportSelection selection = this.resources.selection();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("transport", selection.transport().displayName());
		description.put("requested", selection.requested().name().toLowerCase().replace('_', '-'));
		description.put("reason", selection.reason());
		description.put("unavailable", selection.unavailable());
		Map<String, Object> loops = new LinkedHashMap<>();
		loops.put("threads", this.resources.loopResources().threads());
		loops.put("started", this.resources.loopResources().groupIfCreated() != null);
		loops.put("pendingTasks", pendingTasks());
		description.put("eventLoops", loops);
		description.put("allocator", allocator());
		description.put("settings", EffectiveSetting.describeAll(this.resources.effective().values()));
		return description;
	}

	private long pendingTasks() {
		long pending = 0;
		EventLoopGroup group = this.resources.loopResources().groupIfCreated();
		if (group == null) {
			return pending;
		}
		for (EventExecutor executor : group) {
			if (executor instanceof SingleThreadEventExecutor loop) {
				pending += loop.pendingTasks();
			}
		}
		return pending;
	}

	private Map<String, Object> allocator() {
		ByteBufAllocator allocator = this.resources.allocator();
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("type", this.resources.allocatorType().name().toLowerCase());
		description.put("class", allocator.getClass().getSimpleName());
		if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
			ByteBufAllocatorMetric metric = provider.metric();
			description.put("usedDirectMemoryBytes", metric.usedDirectMemory());
			description.put("usedHeapMemoryBytes", metric.usedHeapMemory());
			if (metric instanceof PooledByteBufAllocatorMetric pooled) {
				description.put("directArenas", pooled.numDirectArenas());
				description.put("heapArenas", pooled.numHeapArenas());
				description.put("threadLocalCaches", pooled.numThreadLocalCaches());
				description.put("chunkSizeBytes", pooled.chunkSize());
				description.put("smallCacheSize", pooled.smallCacheSize());
				description.put("normalCacheSize", pooled.normalCacheSize());
			}
		}
		return description;
	}

	@Override
	public List<Advice> advice() {
		List<Advice> advice = new ArrayList<>();
		int threads = this.resources.loopResources().threads();
		int cpus = Runtime.getRuntime().availableProcessors();
		if (threads > cpus) {
			advice.add(Advice.warning(threads + " event loops run on " + cpus + " CPU(s): loops take turns on a"
					+ " core, which adds context switches and latency",
					"hyperlane.transport.event-loop-threads", "remove it to use one loop per CPU (" + cpus + ")"));
		}
		ByteBufAllocator allocator = this.resources.allocator();
		if (allocator instanceof ByteBufAllocatorMetricProvider provider
				&& provider.metric() instanceof PooledByteBufAllocatorMetric pooled
				&& pooled.numDirectArenas() < threads) {
			long needed = (long) threads * pooled.chunkSize() * 2 * 3;
			advice.add(Advice.warning("max direct memory (" + PlatformDependent.maxDirectMemory()
					+ " B) left the pooled allocator " + pooled.numDirectArenas() + " direct arena(s) for " + threads
					+ " event loops, which then contend for arenas", "-XX:MaxDirectMemorySize",
					"raise it to at least " + needed + " B (Netty sizes arenas as max direct / chunk size / 6)"));
		}
		TransportSelection selection = this.resources.selection();
		if (selection.transport().type() == TransportType.NIO && selection.requested() == TransportType.AUTO
				&& System.getProperty("os.name", "").toLowerCase().contains("linux")) {
			advice.add(Advice.info("no native transport loaded on Linux: " + selection.unavailable(),
					"hyperlane.transport.type", "add io.netty:netty-transport-native-epoll or -io_uring for this"
							+ " CPU (the starter brings both for x86_64 and aarch_64)"));
		}
		if (selection.transport().type() == TransportType.IO_URING && IoUringTransport.acceptMultishotEnabled()) {
			advice.add(Advice.warning(TransportSelector.MULTISHOT_ACCEPT_ON,
					"-D" + TransportSelector.ACCEPT_MULTISHOT_PROPERTY,
					"set it to false (accepts one connection at a time, in turns with reads), or run epoll"));
		}
		return advice;
	}

}
