package dev.hyperlane.samples.payments;

import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;

/**
 * Waits {@code payments.shutdown.deregistration-delay} when the application context closes, after the service
 * registry client left the registry (Spring Cloud Netflix's {@code EurekaAutoServiceRegistration} deregisters on the
 * same {@link ContextClosedEvent}, at order 0; this listener runs last) and before the lifecycle phase in which Spring
 * Boot's graceful shutdown stops the web server. Callers that fetch the registry every few seconds stop choosing
 * the instance during the pause, so no new call meets a closed port; requests that still arrive are served, and
 * those in flight when the pause ends are drained by the graceful shutdown. The same pause as a Kubernetes
 * {@code preStop} sleep, for a registry instead of endpoint slices.
 */
@Component
class DeregistrationDelay implements ApplicationListener<ContextClosedEvent>, Ordered {

	private static final Log logger = LogFactory.getLog(DeregistrationDelay.class);

	private final PaymentsProperties properties;

	DeregistrationDelay(PaymentsProperties properties) {
		this.properties = properties;
	}

	@Override
	public void onApplicationEvent(ContextClosedEvent event) {
		Duration delay = this.properties.getShutdown().getDeregistrationDelay();
		if (delay.isZero() || delay.isNegative()) {
			return;
		}
		logger.info("Left the registry; taking new requests for " + delay.toMillis() + " ms more before shutting down");
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public int getOrder() {
		return Ordered.LOWEST_PRECEDENCE;
	}

}
