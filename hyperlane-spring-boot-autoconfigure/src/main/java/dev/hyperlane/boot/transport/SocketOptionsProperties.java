package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * Socket options, in one vocabulary for every transport and every role; {@link SocketOptionMapper} maps each one to
 * the option class of the active transport ({@code NioChannelOption}, {@code EpollChannelOption},
 * {@code IoUringChannelOption}). An unset option keeps the transport's (or the kernel's) own default. An option the
 * active transport cannot apply is reported in the log and in the endpoint, never silently dropped. Bound through
 * the constructor; every option is unset unless the application sets it (the roles' defaults are descriptors of
 * {@link SocketSettings}).
 * <p>
 * One record serves the server ({@code hyperlane.server.socket}) and the clients
 * ({@code hyperlane.client.*.socket}), so that each option is declared and described once. The options of a
 * listening socket ({@code backlog}, {@code reuse-address}, {@code reuse-port}, {@code tcp-fast-open}) belong to a
 * server only: a client's table ({@link SocketSettings#connectionTable}) leaves them out, so a client never reads
 * them, and the IDE metadata does not offer them below {@code hyperlane.client} (they are listed as ignored in
 * {@code additional-spring-configuration-metadata.json}).
 *
 * @param tcpNoDelay Whether to disable Nagle's algorithm (TCP_NODELAY), so small responses leave at once.
 * @param keepAlive Whether to send TCP keep-alive probes (SO_KEEPALIVE) on idle connections.
 * @param keepAliveIdle Idle time before the first keep-alive probe (TCP_KEEPIDLE), whole seconds.
 * @param keepAliveInterval Time between keep-alive probes (TCP_KEEPINTVL), whole seconds.
 * @param keepAliveCount Unanswered keep-alive probes before the connection is dropped (TCP_KEEPCNT).
 * @param backlog Length of the accept queue (SO_BACKLOG); the kernel caps it at net.core.somaxconn.
 * @param reuseAddress Whether the listening address may be rebound while old connections linger in TIME_WAIT
 * (SO_REUSEADDR).
 * @param reusePort Whether several processes may listen on the same port, the kernel spreading connections
 * (SO_REUSEPORT).
 * @param receiveBufferSize Socket receive buffer (SO_RCVBUF). Setting it disables the kernel's buffer auto-tuning.
 * @param sendBufferSize Socket send buffer (SO_SNDBUF). Setting it disables the kernel's buffer auto-tuning.
 * @param tcpFastOpen Length of the TCP Fast Open queue of the listening socket (TCP_FASTOPEN); 0 or unset turns it
 * off. Native transports only.
 * @param writeBufferLowWaterMark Pending outbound bytes below which a channel becomes writable again.
 * @param writeBufferHighWaterMark Pending outbound bytes above which a channel reports itself not writable
 * (back-pressure).
 */
public record SocketOptionsProperties(@Nullable Boolean tcpNoDelay, @Nullable Boolean keepAlive,
		@DurationUnit(ChronoUnit.SECONDS) @Nullable Duration keepAliveIdle,
		@DurationUnit(ChronoUnit.SECONDS) @Nullable Duration keepAliveInterval, @Nullable Integer keepAliveCount,
		@Nullable Integer backlog, @Nullable Boolean reuseAddress, @Nullable Boolean reusePort,
		@Nullable DataSize receiveBufferSize, @Nullable DataSize sendBufferSize, @Nullable Integer tcpFastOpen,
		@Nullable DataSize writeBufferLowWaterMark, @Nullable DataSize writeBufferHighWaterMark) {

	/**
	 * No option set: every socket keeps the role's defaults.
	 */
	public static final SocketOptionsProperties NONE = new SocketOptionsProperties(null, null, null, null, null, null,
			null, null, null, null, null, null, null);

}
