package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.resources.LoopResources;

/**
 * Reactor Netty {@link LoopResources} that run every channel, server and client alike, on one event loop group of
 * the selected {@link Transport}. The {@code useNative} hint Reactor Netty passes is ignored: the transport is
 * {@code hyperlane.transport.type}'s. Channels for groups of another transport (a user's {@code runOn}) are
 * mapped to that transport's classes.
 * <p>
 * The group, and its threads, are created when a server or a client first asks for them, not when this object is
 * created: an application that never opens a Reactor Netty channel (a servlet application without a reactive
 * client, or one that only calls its clients later) starts no event loop. Disposal shuts the group down
 * gracefully: the quiet period lets in-flight tasks finish before the loops stop; a group never created needs no
 * shutdown.
 */
public final class HyperlaneLoopResources implements LoopResources {

	private final Transport transport;

	private final int threads;

	private final String threadPrefix;

	private final Object monitor = new Object();

	private volatile @Nullable EventLoopGroup group;

	private volatile boolean disposed;

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
		this.threadPrefix = threadPrefix;
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
	 * Return the event loop group shared by the server and the clients, creating it on the first call.
	 * @return the group
	 * @throws IllegalStateException when the loops were disposed before they were ever created
	 */
	public EventLoopGroup group() {
		EventLoopGroup created = this.group;
		if (created != null) {
			return created;
		}
		synchronized (this.monitor) {
			if (this.group == null) {
				if (this.disposed) {
					throw new IllegalStateException("The " + this.threadPrefix + " event loops were disposed");
				}
				this.group = new MultiThreadIoEventLoopGroup(this.threads,
						new DefaultThreadFactory(this.threadPrefix, true), this.transport.ioHandlerFactory());
			}
			return this.group;
		}
	}

	/**
	 * Return the event loop group if a server or a client has asked for it, without creating it.
	 * @return the group, or {@code null} while no channel has needed it
	 */
	public @Nullable EventLoopGroup groupIfCreated() {
		return this.group;
	}

	@Override
	public EventLoopGroup onServer(boolean useNative) {
		return group();
	}

	@Override
	public EventLoopGroup onServerSelect(boolean useNative) {
		return group();
	}

	@Override
	public EventLoopGroup onClient(boolean useNative) {
		return group();
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
		EventLoopGroup created = this.group;
		return (created != null) ? created.isShuttingDown() : this.disposed;
	}

	@Override
	public void dispose() {
		EventLoopGroup created = markDisposed();
		if (created != null) {
			created.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
		}
	}

	@Override
	public Mono<Void> disposeLater(Duration quietPeriod, Duration timeout) {
		return Mono.defer(() -> {
			EventLoopGroup created = markDisposed();
			if (created == null) {
				return Mono.empty();
			}
			return Mono.create((sink) -> created
				.shutdownGracefully(quietPeriod.toMillis(), timeout.toMillis(), TimeUnit.MILLISECONDS)
				.addListener((future) -> sink.success()));
		});
	}

	private @Nullable EventLoopGroup markDisposed() {
		synchronized (this.monitor) {
			this.disposed = true;
			return this.group;
		}
	}

}
