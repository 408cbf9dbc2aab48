package dev.hyperlane.boot.observability;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * Spring's {@code http.server.requests} observation with its high-cardinality key values (the {@code http.url} of
 * Spring's default convention) computed once, when the observation stops, instead of at start and again at stop.
 * Micrometer asks an observation's convention for all its key values at start and at stop; at start only the
 * low-cardinality ones have a reader (the {@code <name>.active} long task timer's tags), the high-cardinality ones are
 * read at stop only (the tags of a sampled span), so their start copy was built and dropped on every request (0.46 KB
 * per request: async-profiler allocation profile of the benchmark target {@code hyperlane}, GET /plaintext, 64
 * connections, issue 12).
 * <p>
 * Applied with Micrometer's and Spring's own hooks: the application's convention (Spring Boot's
 * {@link DefaultServerRequestObservationConvention} unless the application declares a
 * {@link ServerRequestObservationConvention} bean) is given to WebFlux wrapped so that it reports no high-cardinality
 * key values, and an {@link ObservationFilter}, which Micrometer applies when an observation stops, before its handlers
 * see it, adds them. Names, contextual names and low-cardinality key values are the convention's, unchanged. An
 * observation handler of the application's that reads high-cardinality key values in {@code onStart} no longer sees
 * them there.
 */
final class ServerUrlAtStop implements ObservationFilter, WebHttpHandlerBuilderCustomizer {

	private final ObjectProvider<ServerRequestObservationConvention> conventions;

	private volatile @Nullable ServerRequestObservationConvention convention;

	/**
	 * Create the filter and customizer.
	 * @param conventions the application's convention, if any (Spring Boot declares one)
	 */
	ServerUrlAtStop(ObjectProvider<ServerRequestObservationConvention> conventions) {
		this.conventions = conventions;
	}

	@Override
	public void customize(WebHttpHandlerBuilder builder) {
		builder.observationConvention(new AtStop(convention()));
	}

	@Override
	public Observation.Context map(Observation.Context context) {
		if (context instanceof ServerRequestObservationContext serverContext) {
			ServerRequestObservationConvention convention = convention();
			if (convention.supportsContext(serverContext)) {
				serverContext.addHighCardinalityKeyValues(convention.getHighCardinalityKeyValues(serverContext));
			}
		}
		return context;
	}

	/**
	 * Return the convention WebFlux would use: the application's, or Spring's default.
	 * @return the convention
	 */
	ServerRequestObservationConvention convention() {
		ServerRequestObservationConvention convention = this.convention;
		if (convention == null) {
			convention = this.conventions.getIfAvailable(DefaultServerRequestObservationConvention::new);
			this.convention = convention;
		}
		return convention;
	}

	/**
	 * The convention WebFlux is given: the application's without high-cardinality key values.
	 */
	static final class AtStop implements ServerRequestObservationConvention {

		private final ServerRequestObservationConvention delegate;

		AtStop(ServerRequestObservationConvention delegate) {
			this.delegate = delegate;
		}

		@Override
		public String getName() {
			return this.delegate.getName();
		}

		@Override
		public @Nullable String getContextualName(ServerRequestObservationContext context) {
			return this.delegate.getContextualName(context);
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(ServerRequestObservationContext context) {
			return this.delegate.getLowCardinalityKeyValues(context);
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(ServerRequestObservationContext context) {
			return KeyValues.empty();
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return this.delegate.supportsContext(context);
		}

	}

}
