package dev.hyperlane.boot.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.transport.ReceiverContext;
import io.micrometer.observation.transport.SenderContext;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;

/**
 * Micrometer Tracing's server and client span handlers ({@link Receiver}, {@link Sender}), except that an observation's
 * key values are copied onto its span only when the span records (is sampled). Micrometer merges the low and high
 * cardinality key values into a new list at stop and tags the span with each, also when the span is a no-op because the
 * sampler said no: with Spring Boot's default sampling probability 0.1, nine requests in ten allocate that list for
 * nothing (0.5 KB per request; async-profiler allocation profile of the benchmark target {@code hyperlane}, GET
 * /plaintext, 64 connections, issue 12). Span creation, context propagation, scopes and the trace ids in log lines are
 * Micrometer's, unchanged.
 * @param <T> the observation context
 */
interface SampledSpanTags<T extends Observation.Context> extends TracingObservationHandler<T> {

	@Override
	default void tagSpan(T context, Span span) {
		if (!span.isNoop()) {
			TracingObservationHandler.super.tagSpan(context, span);
		}
	}

	/**
	 * The server-side handler: continues the caller's trace, tags sampled spans only.
	 * @param <T> the receiver context
	 */
	@SuppressWarnings("rawtypes")
	final class Receiver<T extends ReceiverContext> extends PropagatingReceiverTracingObservationHandler<T>
			implements SampledSpanTags<T> {

		Receiver(Tracer tracer, Propagator propagator) {
			super(tracer, propagator);
		}

	}

	/**
	 * The client-side handler: propagates the trace to the callee, tags sampled spans only.
	 * @param <T> the sender context
	 */
	@SuppressWarnings("rawtypes")
	final class Sender<T extends SenderContext> extends PropagatingSenderTracingObservationHandler<T>
			implements SampledSpanTags<T> {

		Sender(Tracer tracer, Propagator propagator) {
			super(tracer, propagator);
		}

	}

}
