package dev.hyperlane.boot.observability;

import java.util.function.ToDoubleFunction;

import dev.hyperlane.boot.ScrapedMeters;
import dev.hyperlane.boot.client.ClientStatistics;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.client.ServiceClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Publishes each downstream service's retry figures as Micrometer meters, read from the same
 * {@link ClientStatistics} and {@code RetryBudget} the {@code clients} endpoint section reads, tagged
 * {@code service} (a configured service, or {@code default}):
 * <ul>
 * <li>{@code hyperlane.client.requests} (counter, first attempts),</li>
 * <li>{@code hyperlane.client.retries} (counter, retries sent),</li>
 * <li>{@code hyperlane.client.retries.denied} (counter, tag {@code reason}: {@code budget} when the retry budget
 * was exhausted, {@code not-idempotent} when the request could not be replayed safely),</li>
 * <li>{@code hyperlane.client.retry.budget.remaining} (gauge, retries the budget allows now),</li>
 * <li>{@code hyperlane.client.premature.closes} and {@code hyperlane.client.pool.exhausted} (counters).</li>
 * </ul>
 * Services are known at start-up, so the meters are bounded by the configuration.
 */
public final class ClientRetryMeters extends ScrapedMeters<HyperlaneClientHttpConnector> {

	/**
	 * Create the binder.
	 * @param connector the connector whose services are published
	 */
	public ClientRetryMeters(HyperlaneClientHttpConnector connector) {
		super(connector);
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		source().clients().forEach((service, client) -> {
			Tags tags = Tags.of("service", service);
			ClientStatistics statistics = client.statistics();
			counter(registry, "hyperlane.client.requests", tags, statistics, ClientStatistics::requests,
					"Requests sent, first attempts only");
			counter(registry, "hyperlane.client.retries", tags, statistics, ClientStatistics::retries,
					"Retries sent");
			counter(registry, "hyperlane.client.retries.denied", tags.and("reason", "budget"), statistics,
					ClientStatistics::retriesDeniedByBudget, "Retries refused by the exhausted retry budget");
			counter(registry, "hyperlane.client.retries.denied", tags.and("reason", "not-idempotent"), statistics,
					ClientStatistics::retriesNotSafe, "Retries not made because the request was not idempotent");
			counter(registry, "hyperlane.client.premature.closes", tags, statistics,
					ClientStatistics::prematureCloses, "Connections closed before a response arrived");
			counter(registry, "hyperlane.client.pool.exhausted", tags, statistics, ClientStatistics::poolExhausted,
					"Requests failed because the connection pool and its pending queue were full");
			gauge(registry, "hyperlane.client.retry.budget.remaining", tags, client, ClientRetryMeters::remaining, null,
					"Retries the retry budget allows now");
		});
	}

	private static double remaining(ServiceClient client) {
		return client.budget().remaining();
	}

	private static void counter(MeterRegistry registry, String name, Tags tags, ClientStatistics statistics,
			ToDoubleFunction<ClientStatistics> value, String description) {
		counter(registry, name, tags, statistics, value, null, description);
	}

}
