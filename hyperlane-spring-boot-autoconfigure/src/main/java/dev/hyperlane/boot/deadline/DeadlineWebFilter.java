package dev.hyperlane.boot.deadline;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.deadline.DeadlineStatistics.Count;
import reactor.core.publisher.Mono;

import org.springframework.core.Ordered;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;

/**
 * Keeps each request's deadline ({@link DeadlineHeaders}) in its Reactor context, where every {@code WebClient}
 * call made while handling it finds it, and ends the request when it passes: the handler's subscription is
 * cancelled (and with it every downstream call still waiting) and the server answers {@code 504 Gateway Timeout}
 * with an {@code application/problem+json} body. A request whose deadline has already passed when it arrives is
 * answered the same way before its handler runs. A request that failed after its deadline passed (a downstream
 * call cut by it, for example) gets the same 504. When the answer has started already, the connection is closed
 * instead, as nothing else can tell the caller.
 * <p>
 * A request without a deadline header, when no default budget is set, costs one header lookup per configured name
 * and nothing else: no context entry, no timer.
 */
public final class DeadlineWebFilter implements WebFilter, Ordered {

	/**
	 * The order: after Hyperlane's own guards (the observation-scope and concurrency-limit filters at the highest
	 * precedence), ahead of the application's filters, so that their work is bounded too.
	 */
	public static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 20;

	/**
	 * Reactor context key present while the server's own timer bounds the request, so that the calls made while
	 * handling it need no timer of their own.
	 */
	static final String ENFORCED = DeadlineWebFilter.class.getName() + ".enforced";

	private final DeadlineHeaders headers;

	private final DeadlineStatistics statistics;

	/**
	 * Create the filter.
	 * @param headers how deadlines are read
	 * @param statistics the counters it updates
	 */
	public DeadlineWebFilter(DeadlineHeaders headers, DeadlineStatistics statistics) {
		this.headers = headers;
		this.statistics = statistics;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		Deadline deadline = this.headers.read(exchange.getRequest().getHeaders());
		if (deadline == null) {
			return chain.filter(exchange);
		}
		this.statistics.counts().increment(Count.REQUESTS_WITH_DEADLINE);
		long remaining = deadline.remainingNanos();
		if (remaining <= 0) {
			this.statistics.counts().increment(Count.EXPIRED_ON_ARRIVAL);
			return gatewayTimeout(exchange, deadline, "the deadline had passed when the request arrived");
		}
		return chain.filter(exchange)
			.timeout(Duration.ofNanos(remaining), Mono.defer(() -> ended(exchange, deadline)))
			.onErrorResume((error) -> deadline.expired() || causedByDeadline(error),
					(error) -> ended(exchange, deadline))
			.contextWrite((context) -> context.put(Deadline.class, deadline).put(ENFORCED, Boolean.TRUE));
	}

	private static boolean causedByDeadline(Throwable error) {
		for (Throwable cause = error; cause != null; cause = (cause.getCause() != cause) ? cause.getCause() : null) {
			if (cause instanceof DeadlineExceededException) {
				return true;
			}
		}
		return false;
	}

	private Mono<Void> ended(ServerWebExchange exchange, Deadline deadline) {
		this.statistics.counts().increment(Count.ENDED_BY_DEADLINE);
		return gatewayTimeout(exchange, deadline, "the deadline passed before the answer was ready");
	}

	private static Mono<Void> gatewayTimeout(ServerWebExchange exchange, Deadline deadline, String detail) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			return Mono.error(new DeadlineExceededException(detail, deadline.budget()));
		}
		response.getHeaders().clear();
		response.setStatusCode(HttpStatus.GATEWAY_TIMEOUT);
		response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
		String body = "{\"type\":\"about:blank\",\"title\":\"Gateway Timeout\",\"status\":504,\"detail\":\"" + detail
				+ " (budget " + deadline.budget().toMillis() + " ms)\"}";
		DataBuffer buffer = response.bufferFactory().wrap(body.getBytes(StandardCharsets.UTF_8));
		return response.writeWith(Mono.just(buffer));
	}

	/**
	 * Return the filter's name, one constant string: WebFlux's filter chain names every filter on every request
	 * (see {@code WebFilterNameTests}).
	 * @return the filter's name
	 */
	@Override
	public String toString() {
		return "DeadlineWebFilter";
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
