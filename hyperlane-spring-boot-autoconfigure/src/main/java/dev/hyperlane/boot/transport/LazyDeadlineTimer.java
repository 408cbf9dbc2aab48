package dev.hyperlane.boot.transport;

import java.util.concurrent.TimeUnit;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * One connection's timer for deadlines that every request sets again, such as the server's request-header and idle
 * deadlines and a client's response-header deadline: the lazy timer of Netty's {@code IdleStateHandler}.
 * <p>
 * Adding a timer task to the event loop's queue when a deadline starts and cancelling it when the deadline is met
 * costs a task (and a queue insertion and removal) per request. Here the owner only writes its deadlines (a read of
 * {@link System#nanoTime()} each) and {@linkplain #arm arms} the timer, which schedules a task only when none is
 * pending; a met deadline is left for the timer to find gone. When the task runs, the owner
 * {@linkplain Deadlines#expire acts on the deadlines that have passed} and says how long until the nearest one left;
 * the timer is set again for that, or for the step if sooner. The step, the longest delay the timer is ever set
 * for, must be no longer than the shortest timeout the owner sets a deadline for: a deadline set while the timer
 * is pending then never falls before it.
 * <p>
 * Per connection: this object and one task object (allocated once); per request: no allocation, and a scheduled
 * task at most once per step. Confined to the connection's event loop; not thread-safe.
 */
public final class LazyDeadlineTimer {

	/** What {@link Deadlines#expire} returns when no deadline is left: the timer stays unset until armed again. */
	public static final long NONE = -1;

	private final long stepNanos;

	private final Deadlines deadlines;

	private final Runnable task = this::fire;

	private @Nullable EventExecutor executor;

	private @Nullable ScheduledFuture<?> pending;

	/**
	 * Create the timer of one connection.
	 * @param stepNanos the longest delay the timer is set for, in nanoseconds (at least 1): no longer than the
	 * shortest timeout of the owner's deadlines
	 * @param deadlines the owner's deadlines, checked each time the timer fires
	 */
	public LazyDeadlineTimer(long stepNanos, Deadlines deadlines) {
		this.stepNanos = Math.max(1, stepNanos);
		this.deadlines = deadlines;
	}

	/**
	 * A deadline was set, at least the step from now: make sure the timer is pending. Schedules a task only when
	 * none is.
	 * @param executor the connection's event loop
	 */
	public void arm(EventExecutor executor) {
		if (this.pending == null) {
			this.executor = executor;
			this.pending = executor.schedule(this.task, this.stepNanos, TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Cancel the pending task, if any (the connection closed or no longer needs its deadlines).
	 */
	public void cancel() {
		ScheduledFuture<?> task = this.pending;
		if (task != null) {
			task.cancel(false);
			this.pending = null;
		}
	}

	private void fire() {
		this.pending = null;
		long next = this.deadlines.expire(System.nanoTime());
		EventExecutor executor = this.executor;
		if (next > 0 && executor != null) {
			this.pending = executor.schedule(this.task, Math.min(next, this.stepNanos), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * The deadlines of a {@link LazyDeadlineTimer}'s owner.
	 */
	@FunctionalInterface
	public interface Deadlines {

		/**
		 * The timer fired: act on each deadline that has passed, and tell how long until the nearest one left.
		 * @param nowNanos {@link System#nanoTime()} as the timer fired
		 * @return the nanoseconds until the nearest deadline left (above 0), or {@link #NONE} when none is left or
		 * the connection is done
		 */
		long expire(long nowNanos);

	}

}
