package dev.hyperlane.boot.observability;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * Publishes {@code hyperlane.eventloop.pending.tasks} (tag {@code loop}: the index of the event loop in Hyperlane's
 * group) for the event loops the server and clients share: tasks queued behind the one running, the first sign of an
 * event loop that is blocked or saturated. Reactor Netty registers the same figure as
 * {@code reactor.netty.eventloop.pending.tasks} only along with its per-request meters, which are off by default
 * ({@code hyperlane.observability.metrics.server|client}). Switched off with
 * {@code hyperlane.observability.metrics.event-loop=false}.
 */
public final class EventLoopMeters implements MeterBinder {

	private final EventLoopGroup group;

	/**
	 * Create the meters.
	 * @param group the event loops to watch
	 */
	public EventLoopMeters(EventLoopGroup group) {
		this.group = group;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		int index = 0;
		for (EventExecutor executor : this.group) {
			if (executor instanceof SingleThreadEventExecutor loop) {
				Gauge.builder("hyperlane.eventloop.pending.tasks", loop, SingleThreadEventExecutor::pendingTasks)
					.tag("loop", Integer.toString(index))
					.description("Tasks waiting in the event loop's queue")
					.register(registry);
			}
			index++;
		}
	}

}
