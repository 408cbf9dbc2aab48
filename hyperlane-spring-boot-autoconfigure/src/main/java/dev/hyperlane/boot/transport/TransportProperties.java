package dev.hyperlane.boot.transport;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Transport, event loops and buffer allocator shared by the server and every client. Bound through the constructor:
 * each default is the component's {@link DefaultValue}, which the IDE metadata shows too.
 *
 * @param enabled Whether Hyperlane chooses the transport and owns the event loops and the allocator.
 * @param type Transport for every socket: auto takes io_uring when its native library loads, else epoll, else NIO.
 * io_uring runs with single accepts (Hyperlane sets -Dio.netty.iouring.acceptMultiShotEnabled=false when it is
 * unset): with multishot accept on, io_uring took every waiting connection at once and refused normal clients under
 * 550 attacking ones, and auto then takes epoll. An explicit native choice that cannot load fails start-up.
 * @param eventLoopThreads Number of event loop threads shared by the server and the clients. Unset: one per CPU the
 * JVM sees, which follows the container's CPU quota: event loops never block, so one per CPU keeps every core busy,
 * and more loops than CPUs only take turns on a core (Reactor Netty's own floor of 4 does that on small containers).
 * @param allocator Buffer allocator for the server's and the clients' channels. Adaptive is Netty 4.2's own:
 * measured against pooled on the storefront sample (benchmarks/allocator), throughput and p99 were the same within
 * the run-to-run spread and adaptive held about 8x less direct memory. Set pooled if direct memory grows with widely
 * varying buffer sizes (netty #15850).
 * @param preferDirect Whether the allocator hands out direct (off-heap) buffers, which the kernel reads and writes
 * without a copy.
 */
@ConfigurationProperties("hyperlane.transport")
public record TransportProperties(@DefaultValue("true") boolean enabled, @DefaultValue("auto") TransportType type,
		@Nullable Integer eventLoopThreads, @DefaultValue("adaptive") AllocatorType allocator,
		@DefaultValue("true") boolean preferDirect) {

}
