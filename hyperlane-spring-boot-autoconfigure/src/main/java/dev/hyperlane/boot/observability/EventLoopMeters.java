package dev.hyperlane.boot.observability;

import java.util.Iterator;

import dev.hyperlane.boot.transport.HyperlaneLoopResources;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
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
public final class EventLoopMeters implements MeterBinder {

	private final HyperlaneLoopResources loops;

	/**
	 * Create the meters.
	 * @param loops the event loops to watch
	 */
	public EventLoopMeters(HyperlaneLoopResources loops) {
		this.loops = loops;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (int index = 0; index < this.loops.threads(); index++) {
			int loop = index;
			Gauge.builder("hyperlane.eventloop.pending.tasks", this, (meters) -> meters.pendingTasks(loop))
				.tag("loop", Integer.toString(index))
				.description("Tasks waiting in the event loop's queue")
				.register(registry);
		}
	}

	private double pendingTasks(int index) {
		EventLoopGroup group = this.loops.groupIfCreated();
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
