package dev.hyperlane.boot.transport;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Transport, event loops and buffer allocator shared by the server and every client.
 */
@ConfigurationProperties("hyperlane.transport")
public class TransportProperties {

	/**
	 * Whether Hyperlane chooses the transport and owns the event loops and the allocator.
	 */
	private boolean enabled = true;

	/**
	 * Transport for every socket: auto takes io_uring when its native library loads, else epoll, else NIO. io_uring
	 * runs with single accepts (Hyperlane sets -Dio.netty.iouring.acceptMultiShotEnabled=false when it is unset):
	 * with multishot accept on, io_uring took every waiting connection at once and refused normal clients under 550
	 * attacking ones, and auto then takes epoll. An explicit native choice that cannot load fails start-up.
	 */
	private TransportType type = TransportType.AUTO;

	/**
	 * Number of event loop threads shared by the server and the clients. Unset: one per CPU the JVM sees, which
	 * follows the container's CPU quota: event loops never block, so one per CPU keeps every core busy, and more
	 * loops than CPUs only take turns on a core (Reactor Netty's own floor of 4 does that on small containers).
	 */
	private @Nullable Integer eventLoopThreads;

	/**
	 * Buffer allocator for the server's and the clients' channels. Adaptive is Netty 4.2's own: measured against
	 * pooled on the storefront sample (benchmarks/allocator), throughput and p99 were the same within the
	 * run-to-run spread and adaptive held about 8x less direct memory. Set pooled if direct memory grows with
	 * widely varying buffer sizes (netty #15850).
	 */
	private AllocatorType allocator = AllocatorType.ADAPTIVE;

	/**
	 * Whether the allocator hands out direct (off-heap) buffers, which the kernel reads and writes without a copy.
	 */
	private boolean preferDirect = true;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public TransportType getType() {
		return this.type;
	}

	public void setType(TransportType type) {
		this.type = type;
	}

	public @Nullable Integer getEventLoopThreads() {
		return this.eventLoopThreads;
	}

	public void setEventLoopThreads(@Nullable Integer eventLoopThreads) {
		this.eventLoopThreads = eventLoopThreads;
	}

	public AllocatorType getAllocator() {
		return this.allocator;
	}

	public void setAllocator(AllocatorType allocator) {
		this.allocator = allocator;
	}

	public boolean isPreferDirect() {
		return this.preferDirect;
	}

	public void setPreferDirect(boolean preferDirect) {
		this.preferDirect = preferDirect;
	}

}
