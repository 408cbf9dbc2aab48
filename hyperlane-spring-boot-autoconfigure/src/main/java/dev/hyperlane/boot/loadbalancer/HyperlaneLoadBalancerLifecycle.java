package dev.hyperlane.boot.loadbalancer;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.client.loadbalancer.ResponseData;
import org.springframework.http.HttpStatusCode;

/**
 * Feeds each {@link ServiceBalancer} with what happened to the requests it routed, through Spring Cloud
 * LoadBalancer's lifecycle callbacks: a request in flight from the choice to its completion, its duration (the
 * instance's latency is the request's round trip from the HTTP client taking it for the instance's connection pool
 * (waiting for a pooled connection counts) to the response headers, when the HTTP client reported it: under load the time from the choice to the completion also holds the
 * caller's own queueing, the same for every instance, which would hide how much slower one instance is), and
 * whether it failed (an error, a 5xx, a 429 or 503; a {@code Retry-After} longer than the failure penalty counts
 * as that latency). A 503 or 429 with {@code Retry-After} (seconds or an HTTP date, RFC 9110 section 10.2.3) also
 * keeps the instance out of the choice for that long, outside panic mode.
 */
public final class HyperlaneLoadBalancerLifecycle implements InstanceLifecycle {

	private final HyperlaneLoadBalancers balancers;

	private final Map<Object, Long> started = Collections.synchronizedMap(new IdentityHashMap<>());

	/**
	 * Create the lifecycle.
	 * @param balancers the balancers to feed
	 */
	public HyperlaneLoadBalancerLifecycle(HyperlaneLoadBalancers balancers) {
		this.balancers = balancers;
	}

	@Override
	public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
		ServiceInstance instance = lbResponse.getServer();
		if (instance == null) {
			return;
		}
		Attempt attempt = Attempt.of(request);
		if (attempt != null) {
			attempt.started(instance, System.nanoTime());
		}
		else {
			this.started.put(request, System.nanoTime());
		}
		this.balancers.service(instance.getServiceId()).started(instance);
	}

	@Override
	public void onComplete(CompletionContext<Object, ServiceInstance, Object> completion) {
		Attempt attempt = Attempt.of(completion.getLoadBalancerRequest());
		Long start;
		if (attempt != null) {
			// the filter may have ended it already (cancelled)
			start = attempt.end() ? attempt.startNanos() : null;
		}
		else {
			start = this.started.remove(completion.getLoadBalancerRequest());
		}
		Response<ServiceInstance> lbResponse = completion.getLoadBalancerResponse();
		ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
		if (start == null || instance == null) {
			return;
		}
		long now = System.nanoTime();
		long elapsed = now - start;
		long latency = (attempt != null) ? attempt.latencyNanos(now) : elapsed;
		Duration penalty = this.balancers.settings().failurePenalty();
		boolean failed = completion.status() == CompletionContext.Status.FAILED;
		Duration retryAfter = Duration.ZERO;
		if (completion.getClientResponse() instanceof ResponseData response) {
			HttpStatusCode status = response.getHttpStatus();
			if (status != null && (status.is5xxServerError() || status.value() == 429)) {
				failed = true;
				if (status.value() == 503 || status.value() == 429) {
					retryAfter = retryAfter(response.getHeaders().getFirst("Retry-After"), Instant.now());
				}
				penalty = (retryAfter.compareTo(penalty) > 0) ? retryAfter : penalty;
			}
		}
		this.balancers.service(instance.getServiceId())
			.finished(instance, elapsed, latency, failed, penalty, retryAfter);
	}

	/**
	 * Parse a {@code Retry-After} value: delay seconds or an HTTP date.
	 * @param value the header value, or {@code null}
	 * @param now the current time, for a date
	 * @return the delay, zero when absent, past or malformed
	 */
	static Duration retryAfter(@Nullable String value, Instant now) {
		if (value == null || value.isBlank()) {
			return Duration.ZERO;
		}
		String trimmed = value.trim();
		try {
			return Duration.ofSeconds(Math.max(0, Long.parseLong(trimmed)));
		}
		catch (NumberFormatException ex) {
			try {
				Instant until = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
				return until.isAfter(now) ? Duration.between(now, until) : Duration.ZERO;
			}
			catch (DateTimeParseException notADate) {
				return Duration.ZERO;
			}
		}
	}

}
