package dev.hyperlane.boot.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.CallerDeadlines;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Deadline propagation: how long the caller of a request still waits, read from its headers, kept with the
 * request, and honoured by every {@code WebClient} call made while handling it.
 * <p>
 * Where the defaults come from: {@code x-envoy-expected-rq-timeout-ms} is what Envoy, and so Istio sidecars, send
 * on every request whose route has a timeout; the largest budget accepted, 300 s, is the server's default
 * {@code hyperlane.server.request-timeout}, after which the server gives up on a request anyway.
 */
@ConfigurationProperties("hyperlane.deadline")
public class HyperlaneDeadlineProperties {

	/**
	 * Whether requests' deadlines are read, kept and passed on to downstream calls.
	 */
	private boolean enabled = true;

	/**
	 * Request headers that carry the caller's remaining time, read in this order (the first present wins). A value
	 * is whole milliseconds ("250") or gRPC's timeout syntax (an integer of up to 8 digits and a unit: H, M, S, m,
	 * u or n, such as "250m"). Downstream calls carry the time left in the first header of the list, in
	 * milliseconds ("grpc-timeout" in gRPC's syntax).
	 */
	private List<String> headers = new ArrayList<>(List.of(CallerDeadlines.HEADER));

	/**
	 * Largest budget accepted from a caller; a longer one is cut to it.
	 */
	private Duration maxBudget = Duration.ofSeconds(300);

	/**
	 * Budget of a request that carries no deadline header. Unset: such a request has no deadline, and handling it
	 * costs nothing extra.
	 */
	private @Nullable Duration defaultBudget;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public List<String> getHeaders() {
		return this.headers;
	}

	public void setHeaders(List<String> headers) {
		this.headers = headers;
	}

	public Duration getMaxBudget() {
		return this.maxBudget;
	}

	public void setMaxBudget(Duration maxBudget) {
		this.maxBudget = maxBudget;
	}

	public @Nullable Duration getDefaultBudget() {
		return this.defaultBudget;
	}

	public void setDefaultBudget(@Nullable Duration defaultBudget) {
		this.defaultBudget = defaultBudget;
	}

}
