package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty {@link LoopResources} that run every channel, server and client alike, on one event loop group of
 * the selected {@link Transport}. The {@code useNative} hint Reactor Netty passes is ignored: the transport is
 * {@code hyperlane.transport.type}'s. Channels for groups of another transport (a user's {@code runOn}) are
 * mapped to that transport's classes.
 * <p>
 * Disposal shuts the group down gracefully: the quiet period lets in-flight tasks finish before the loops stop.
 */
public final class HyperlaneLoopResources implements LoopResources {

	private final Transport transport;

	private final int threads;

	private final EventLoopGroup group;

	/**
	 * Create the event loops.
	 * @param transport the transport to run
	 * @param threads the number of event loops, at least 1
	 * @param threadPrefix the prefix of the event loop thread names
	 */
	public HyperlaneLoopResources(Transport transport, int threads, String threadPrefix) {
		if (threads < 1) {
			throw new IllegalArgumentException("threads must be at least 1, was " + threads);
		}
		this.transport = transport;
		this.threads = threads;
		this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true),
				transport.ioHandlerFactory());
	}

	/**
	 * Return the transport every channel runs on.
	 * @return the transport
	 */
	public Transport transport() {
		return this.transport;
	}

	/**
	 * Return the number of event loops.
	 * @return the number of event loop threads
	 */
	public int threads() {
		return this.threads;
	}

	/**
	 * Return the event loop group shared by the server and the clients.
	 * @return the group
	 */
	public EventLoopGroup group() {
		return this.group;
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return this.group;
	}

	@Override
	public EventLoopGroup onServerSelect(boolean useNative) {
		return this.group;
	}

	@Override
	public EventLoopGroup onClient(boolean useNative) {
		return this.group;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <CHANNEL extends Channel> CHANNEL onChannel(Class<CHANNEL> channelType, EventLoopGroup group) {
		Class<? extends CHANNEL> channelClass = onChannelClass(channelType, group);
		try {
			return channelClass.getDeclaredConstructor().newInstance();
		}
		catch (ReflectiveOperationException ex) {
			throw new IllegalStateException("Cannot create " + channelClass.getName(), ex);
		}
	}

	@Override
	@SuppressWarnings("unchecked")
	public <CHANNEL extends Channel> Class<? extends CHANNEL> onChannelClass(Class<CHANNEL> channelType,
			EventLoopGroup group) {
		if (group == this.group || this.transport.supports(group)) {
			return (Class<? extends CHANNEL>) this.transport.channelClass(channelType);
		}
		if (NioTransport.INSTANCE.supports(group)) {
			return (Class<? extends CHANNEL>) NioTransport.INSTANCE.channelClass(channelType);
		}
		return LoopResources.super.onChannelClass(channelType, group);
	}

	@Override
	public boolean daemon() {
		return true;
	}

	@Override
	public boolean isDisposed() {
		return this.group.isShuttingDown();
	}

	@Override
	public void dispose() {
		this.group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		return Mono.defer(() -> Mono.create((sink) -> this.group
			.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
			.addListener((future) -> sink.success())));
	}

}
