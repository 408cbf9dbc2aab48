package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.ScrapedMeters;
import dev.hyperlane.boot.client.ClientStatistics;
import dev.hyperlane.boot.client.ClientStatistics.Count;
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
			Counts<Count> counts = client.statistics().counts();
			counter(registry, "hyperlane.client.requests", tags, counts, Count.REQUESTS,
					"Requests sent, first attempts only");
			counter(registry, "hyperlane.client.retries", tags, counts, Count.RETRIES, "Retries sent");
			counter(registry, "hyperlane.client.retries.denied", tags.and("reason", "budget"), counts,
					Count.RETRIES_DENIED_BY_BUDGET, "Retries refused by the exhausted retry budget");
			counter(registry, "hyperlane.client.retries.denied", tags.and("reason", "not-idempotent"), counts,
					Count.RETRIES_NOT_SAFE, "Retries not made because the request was not idempotent");
			counter(registry, "hyperlane.client.premature.closes", tags, counts, Count.PREMATURE_CLOSES,
					"Connections closed before a response arrived");
			counter(registry, "hyperlane.client.pool.exhausted", tags, counts, Count.POOL_EXHAUSTED,
					"Requests failed because the connection pool and its pending queue were full");
			gauge(registry, "hyperlane.client.retry.budget.remaining", tags, client, ClientRetryMeters::remaining, null,
					"Retries the retry budget allows now");
		});
	}

	private static double remaining(ServiceClient client) {
		return client.budget().remaining();
	}

}
