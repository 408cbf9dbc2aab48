package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * Options of each connection's socket, in one vocabulary for every transport; {@link SocketOptionMapper} maps each
 * one to the option class of the active transport ({@code NioChannelOption}, {@code EpollChannelOption},
 * {@code IoUringChannelOption}). An unset option keeps the transport's (or the kernel's) own default. An option
 * the active transport cannot apply is reported in the log and in the endpoint, never silently dropped. The options
 * of a listening socket are in {@link ServerSocketOptionsProperties}.
 */
public class SocketOptionsProperties {

	/**
	 * Whether to disable Nagle's algorithm (TCP_NODELAY), so small responses leave at once.
	 */
	private @Nullable Boolean tcpNoDelay;

	/**
	 * Whether to send TCP keep-alive probes (SO_KEEPALIVE) on idle connections.
	 */
	private @Nullable Boolean keepAlive;

	/**
	 * Idle time before the first keep-alive probe (TCP_KEEPIDLE), whole seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration keepAliveIdle;

	/**
	 * Time between keep-alive probes (TCP_KEEPINTVL), whole seconds.
	 */
	@DurationUnit(ChronoUnit.SECONDS)
	private @Nullable Duration keepAliveInterval;

	/**
	 * Unanswered keep-alive probes before the connection is dropped (TCP_KEEPCNT).
	 */
	private @Nullable Integer keepAliveCount;

	/**
	 * Socket receive buffer (SO_RCVBUF). Setting it disables the kernel's buffer auto-tuning.
	 */
	private @Nullable DataSize receiveBufferSize;

	/**
	 * Socket send buffer (SO_SNDBUF). Setting it disables the kernel's buffer auto-tuning.
	 */
	private @Nullable DataSize sendBufferSize;

	/**
	 * Pending outbound bytes below which a channel becomes writable again.
	 */
	private @Nullable DataSize writeBufferLowWaterMark;

	/**
	 * Pending outbound bytes above which a channel reports itself not writable (back-pressure).
	 */
	private @Nullable DataSize writeBufferHighWaterMark;

	public @Nullable Boolean getTcpNoDelay() {
		return this.tcpNoDelay;
	}

	public void setTcpNoDelay(@Nullable Boolean tcpNoDelay) {
		this.tcpNoDelay = tcpNoDelay;
	}

	public @Nullable Boolean getKeepAlive() {
		return this.keepAlive;
	}

	public void setKeepAlive(@Nullable Boolean keepAlive) {
		this.keepAlive = keepAlive;
	}

	public @Nullable Duration getKeepAliveIdle() {
		return this.keepAliveIdle;
	}

	public void setKeepAliveIdle(@Nullable Duration keepAliveIdle) {
		this.keepAliveIdle = keepAliveIdle;
	}

	public @Nullable Duration getKeepAliveInterval() {
		return this.keepAliveInterval;
	}

	public void setKeepAliveInterval(@Nullable Duration keepAliveInterval) {
		this.keepAliveInterval = keepAliveInterval;
	}

	public @Nullable Integer getKeepAliveCount() {
		return this.keepAliveCount;
	}

	public void setKeepAliveCount(@Nullable Integer keepAliveCount) {
		this.keepAliveCount = keepAliveCount;
	}

	public @Nullable DataSize getReceiveBufferSize() {
		return this.receiveBufferSize;
	}

	public void setReceiveBufferSize(@Nullable DataSize receiveBufferSize) {
		this.receiveBufferSize = receiveBufferSize;
	}

	public @Nullable DataSize getSendBufferSize() {
		return this.sendBufferSize;
	}

	public void setSendBufferSize(@Nullable DataSize sendBufferSize) {
		this.sendBufferSize = sendBufferSize;
	}

	public @Nullable DataSize getWriteBufferLowWaterMark() {
		return this.writeBufferLowWaterMark;
	}

	public void setWriteBufferLowWaterMark(@Nullable DataSize writeBufferLowWaterMark) {
		this.writeBufferLowWaterMark = writeBufferLowWaterMark;
	}

	public @Nullable DataSize getWriteBufferHighWaterMark() {
		return this.writeBufferHighWaterMark;
	}

	public void setWriteBufferHighWaterMark(@Nullable DataSize writeBufferHighWaterMark) {
		this.writeBufferHighWaterMark = writeBufferHighWaterMark;
	}

}
