package dev.hyperlane.samples.ecommerce.checkout;

import java.time.Duration;
import java.time.Instant;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Every {@code orders.pending-retry.interval} (30 s by default; zero turns it off), pays again up to
 * {@code orders.pending-retry.batch-size} orders that have been {@code PENDING} for at least that long, so an
 * order left behind while payments was unreachable is paid without its customer coming back. Each retry sends
 * the order's own Idempotency-Key, so it never charges twice, also when several storefront instances retry the
 * same order.
 */
@Component
class PendingOrderRetry implements SmartLifecycle {

	private static final Log logger = LogFactory.getLog(PendingOrderRetry.class);

	private final Orders orders;

	private final OrdersProperties.PendingRetry properties;

	private volatile @Nullable Disposable task;

	PendingOrderRetry(Orders orders, OrdersProperties properties) {
		this.orders = orders;
		this.properties = properties.getPendingRetry();
	}

	@Override
	public void start() {
		Duration interval = this.properties.getInterval();
		if (interval.isZero() || interval.isNegative()) {
			return;
		}
		this.task = Flux.interval(interval, interval)
			.onBackpressureDrop()
			.concatMap((tick) -> this.orders.retryPending(Instant.now().minus(interval), this.properties.getBatchSize())
				.onErrorResume((ex) -> {
					logger.warn("Retrying pending orders failed: " + ex);
					return Mono.just(0L);
				}), 1)
			.subscribe((settled) -> {
				if (settled > 0) {
					logger.info("Settled " + settled + " pending orders");
				}
			});
	}

	@Override
	public void stop() {
		Disposable task = this.task;
		if (task != null) {
			task.dispose();
			this.task = null;
		}
	}

	@Override
	public boolean isRunning() {
		return this.task != null;
	}

}
