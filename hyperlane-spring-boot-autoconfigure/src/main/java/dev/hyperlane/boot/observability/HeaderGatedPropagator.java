package dev.hyperlane.boot.observability;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import org.jspecify.annotations.Nullable;

/**
 * Spring Boot's OpenTelemetry propagator that extracts only when the incoming request carries one of its headers.
 * Without one, it returns the context it was given, which is what extraction yields then: no W3C
 * {@code traceparent}, no B3 {@code b3} or {@code X-B3-TraceId}, no {@code baggage} and no remote baggage field
 * ({@code management.tracing.baggage.remote-fields}) means no remote parent and no remote baggage. Boot's composite
 * runs every extractor and its baggage propagator on every request all the same; with no header present they
 * allocate 0.8 KB per request (Micrometer's baggage propagator 0.65 KB even with no remote field configured, OTel's
 * B3 extractor 0.17 KB; async-profiler allocation profile of the benchmark target {@code hyperlane}, GET /plaintext,
 * 64 connections, issue 12).
 * <p>
 * The headers looked for are the delegate's {@link TextMapPropagator#fields() fields} (its injectors', extractors'
 * and remote baggage fields) plus the two B3 extraction keys that OTel's B3 propagator reads whatever it injects
 * ({@code b3}, {@code X-B3-TraceId}: B3 extracts nothing without one of them). Injection is the delegate's, unchanged.
 */
final class HeaderGatedPropagator implements TextMapPropagator {

	private static final String[] B3_KEYS = { "b3", "X-B3-TraceId" };

	private final TextMapPropagator delegate;

	private final String[] headers;

	HeaderGatedPropagator(TextMapPropagator delegate) {
		this.delegate = delegate;
		Set<String> headers = new LinkedHashSet<>(delegate.fields());
		headers.addAll(Set.of(B3_KEYS));
		this.headers = headers.toArray(new String[0]);
	}

	@Override
	public Collection<String> fields() {
		return this.delegate.fields();
	}

	@Override
	public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
		this.delegate.inject(context, carrier, setter);
	}

	@Override
	public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
		if (carrier == null || anyHeader(carrier, getter)) {
			return this.delegate.extract(context, carrier, getter);
		}
		return context;
	}

	private <C> boolean anyHeader(C carrier, TextMapGetter<C> getter) {
		for (String header : this.headers) {
			if (getter.get(carrier, header) != null) {
				return true;
			}
		}
		return false;
	}

	TextMapPropagator delegate() {
		return this.delegate;
	}

	@Override
	public String toString() {
		return "HeaderGatedPropagator{" + this.delegate + "}";
	}

}
