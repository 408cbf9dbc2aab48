package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.Counts;
import dev.hyperlane.boot.MeterSource;
import dev.hyperlane.boot.ScrapedMeter;
import dev.hyperlane.boot.client.ClientStatistics;
import dev.hyperlane.boot.client.ClientStatistics.Count;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import dev.hyperlane.boot.client.ServiceClient;

/**
 * Publishes each downstream service's retry figures as meters, read from the same
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
 * Services are known at start-up, so the meters are bounded by the configuration. Switched off with
 * {@code hyperlane.observability.metrics.retries=false}.
 *
 * @param connector the connector whose services are published
 */
public record ClientRetryMeters(HyperlaneClientHttpConnector connector) implements MeterSource {

	@Override
	public List<ScrapedMeter<?>> meters() {
		List<ScrapedMeter<?>> meters = new ArrayList<>();
		this.connector.clients().forEach((service, client) -> {
			Map<String, String> tags = Map.of("service", service);
			Counts<Count> counts = client.statistics().counts();
			meters.add(ScrapedMeter.counter("hyperlane.client.requests", tags, counts, Count.REQUESTS,
					"Requests sent, first attempts only"));
			meters.add(ScrapedMeter.counter("hyperlane.client.retries", tags, counts, Count.RETRIES, "Retries sent"));
			meters.add(ScrapedMeter.counter("hyperlane.client.retries.denied",
					Map.of("service", service, "reason", "budget"), counts, Count.RETRIES_DENIED_BY_BUDGET,
					"Retries refused by the exhausted retry budget"));
			meters.add(ScrapedMeter.counter("hyperlane.client.retries.denied",
					Map.of("service", service, "reason", "not-idempotent"), counts, Count.RETRIES_NOT_SAFE,
					"Retries not made because the request was not idempotent"));
			meters.add(ScrapedMeter.counter("hyperlane.client.premature.closes", tags, counts,
					Count.PREMATURE_CLOSES, "Connections closed before a response arrived"));
			meters.add(ScrapedMeter.counter("hyperlane.client.pool.exhausted", tags, counts, Count.POOL_EXHAUSTED,
					"Requests failed because the connection pool and its pending queue were full"));
			meters.add(ScrapedMeter.gauge("hyperlane.client.retry.budget.remaining", tags, client,
					ClientRetryMeters::remaining, null, "Retries the retry budget allows now"));
		});
		return meters;
	}

	private static double remaining(ServiceClient client) {
		return client.budget().remaining();
	}

}
