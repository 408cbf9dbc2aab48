package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import dev.hyperlane.boot.transport.HyperlaneLoopResources;
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
 *
 * @param loops the event loops to watch
 */
public record EventLoopMeters(HyperlaneLoopResources loops) implements MeterSource {

	@Override
	public List<ScrapedMeter<?>> meters() {
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		for (int index = 0; index < this.loops.threads(); index++) {
			int loop = index;
			meters.add(ScrapedMeter.gauge("hyperlane.eventloop.pending.tasks", Map.of("loop", Integer.toString(index)),
					this, (source) -> source.pendingTasks(loop), null, "Tasks waiting in the event loop's queue"));
		}
		return meters;
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
