package dev.hyperlane.boot.observability;

import io.prometheus.metrics.tracer.common.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * A Prometheus {@link SpanContext} that never reports a sampled span, so the Prometheus registry attaches no
 * exemplars (trace ids) to its samples. Used with {@code hyperlane.observability.metrics.exemplars=false}: Micrometer
 * (1.12 and later) puts exemplars on counters and on the {@code _count} of timers, which Prometheus servers older
 * than 2.43 (prometheus/prometheus #11984; Debian 12 ships 2.42) refuse, failing the whole scrape with
 * "metric name ... does not support exemplars" (spring-boot #39759).
 */
public final class NoExemplars implements SpanContext {

	@Override
	public @Nullable String getCurrentTraceId() {
		return null;
	}

	@Override
	public @Nullable String getCurrentSpanId() {
		return null;
	}

	@Override
	public boolean isCurrentSpanSampled() {
		return false;
	}

	@Override
	public void markCurrentSpanAsExemplar() {
	}

}
