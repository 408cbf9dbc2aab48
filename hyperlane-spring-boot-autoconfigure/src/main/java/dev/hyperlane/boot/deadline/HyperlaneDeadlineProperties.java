package dev.hyperlane.boot.deadline;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.CallerDeadlines;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Deadline propagation: how long the caller of a request still waits, read from its headers, kept with the
 * request, and honoured by every {@code WebClient} call made while handling it. Bound through the constructor: each
 * default is the component's {@link DefaultValue}, which the IDE metadata shows too (the list default of
 * {@code headers} is repeated in the additional metadata, as the processor shows a one-element list as a string).
 * <p>
 * Where the defaults come from: {@code x-envoy-expected-rq-timeout-ms} is what Envoy, and so Istio sidecars, send
 * on every request whose route has a timeout; the largest budget accepted, 300 s, is the server's default
 * {@code hyperlane.server.request-timeout}, after which the server gives up on a request anyway.
 *
 * @param enabled Whether requests' deadlines are read, kept and passed on to downstream calls.
 * @param headers Request headers that carry the caller's remaining time, read in this order (the first present
 * wins). A value is whole milliseconds ("250") or gRPC's timeout syntax (an integer of up to 8 digits and a unit: H,
 * M, S, m, u or n, such as "250m"). Downstream calls carry the time left in the first header of the list, in
 * milliseconds ("grpc-timeout" in gRPC's syntax).
 * @param maxBudget Largest budget accepted from a caller; a longer one is cut to it.
 * @param defaultBudget Budget of a request that carries no deadline header. Unset: such a request has no deadline,
 * and handling it costs nothing extra.
 */
@ConfigurationProperties("hyperlane.deadline")
public record HyperlaneDeadlineProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue(CallerDeadlines.HEADER) List<String> headers, @DefaultValue("300s") Duration maxBudget,
		@Nullable Duration defaultBudget) {

}
