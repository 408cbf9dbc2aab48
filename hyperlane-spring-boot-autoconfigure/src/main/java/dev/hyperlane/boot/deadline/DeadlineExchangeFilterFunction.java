package dev.hyperlane.boot.deadline;

import java.time.Duration;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.deadline.DeadlineStatistics.Count;
import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * Bounds every {@code WebClient} call made while handling a request that has a {@link Deadline} (found in the
 * call's Reactor context, put there by {@link DeadlineWebFilter}): the call carries the time left in the deadline
 * header, so the next service does the same, and it is cancelled when the deadline passes, together with any retry
 * or hedge still running inside it (the HTTP client's retry on a fresh connection, the load balancer's retry on
 * another instance): by the server, which cancels the whole request at its deadline (one timer per request, none
 * per call: two timers firing at the same instant on two threads would race), or, for a call given a deadline
 * outside a server request ({@code contextWrite(ctx -> ctx.put(Deadline.class, Deadline.after(budget)))}), by a
 * timer of its own. The call's own response timeout still applies, so it waits for the smaller of the two. A call
 * that starts after the deadline passed is never sent (inside a server request it then waits for the server to end
 * the request, at once). Outside a server request both end in a {@link DeadlineExceededException}. A call made
 * without a deadline passes through unchanged.
 *
 * @param headers how the time left is written
 * @param statistics the counters it updates
 */
public record DeadlineExchangeFilterFunction(DeadlineHeaders headers,
		DeadlineStatistics statistics) implements ExchangeFilterFunction {

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return Mono.deferContextual((context) -> {
			Deadline deadline = Deadline.of(context);
			if (deadline == null) {
				return next.exchange(request);
			}
			long remaining = deadline.remainingNanos();
			if (remaining < 1_000_000) {
				this.statistics.counts().increment(Count.CALLS_NOT_STARTED);
				if (context.hasKey(DeadlineWebFilter.ENFORCED)) {
					// the server's timer ends the request at this instant; an error here could reach a subscriber it
					// has already cancelled, and only be logged as dropped
					return Mono.never();
				}
				return Mono.error(new DeadlineExceededException(
						request.method() + " " + request.url() + " not sent: the deadline has passed", deadline.budget()));
			}
			ClientRequest bounded = ClientRequest.from(request)
				.headers((outgoing) -> this.headers.write(outgoing, remaining))
				.build();
			Mono<ClientResponse> exchange = next.exchange(bounded);
			if (!context.hasKey(DeadlineWebFilter.ENFORCED)) {
				exchange = exchange.timeout(Duration.ofNanos(remaining),
						Mono.error(() -> new DeadlineExceededException(
								request.method() + " " + request.url() + " cancelled: the deadline passed",
								deadline.budget())))
					.doOnError(DeadlineExceededException.class,
							(error) -> this.statistics.counts().increment(Count.CALLS_CANCELLED));
			}
			return exchange.doOnCancel(() -> {
				if (deadline.expired()) {
					this.statistics.counts().increment(Count.CALLS_CANCELLED);
				}
			});
		});
	}

}
