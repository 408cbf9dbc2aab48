package dev.hyperlane.boot.observability;

import java.util.Iterator;

import dev.hyperlane.boot.ScrapedMeters;
import dev.hyperlane.boot.transport.HyperlaneLoopResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * Publishes {@code hyperlane.eventloop.pending.tasks} (tag {@code loop}: the index of the event loop in Hyperlane's
 * group, 0 to threads - 1) for the event loops the server and clients share: tasks queued behind the one running, the
 * first sign of an event loop that is blocked or saturated; 0 while the group is not created yet (it is created on
 * first use, and the gauges never create it). Reactor Netty registers the same figure as
 * {@code reactor.netty.eventloop.pending.tasks} only along with its per-request meters, which are off by default
 * ({@code hyperlane.observability.metrics.server|client}). Switched off with
 * {@code hyperlane.observability.metrics.event-loop=false}.
 */
public final class EventLoopMeters extends ScrapedMeters<HyperlaneLoopResources> {

	/**
	 * Create the meters.
	 * @param loops the event loops to watch
	 */
	public EventLoopMeters(HyperlaneLoopResources loops) {
		super(loops);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (int index = 0; index < source().threads(); index++) {
			int loop = index;
			gauge(registry, "hyperlane.eventloop.pending.tasks", Tags.of("loop", Integer.toString(index)), this,
					(meters) -> meters.pendingTasks(loop), null, "Tasks waiting in the event loop's queue");
		}
	}

	private double pendingTasks(int index) {
		EventLoopGroup group = source().groupIfCreated();
		if (group == null) {
			return 0;
		}
		Iterator<EventExecutor> executors = group.iterator();
		for (int i = 0; executors.hasNext(); i++) {
			EventExecutor executor = executors.next();
			if (i == index) {
				return (executor instanceof SingleThreadEventExecutor loop) ? loop.pendingTasks() : 0;
			}
		}
		return 0;
	}

}
