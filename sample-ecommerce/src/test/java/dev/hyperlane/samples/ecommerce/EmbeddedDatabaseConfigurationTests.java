package dev.hyperlane.samples.ecommerce;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.samples.support.EmbeddedDatabaseConfiguration;
import io.r2dbc.pool.ConnectionPool;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.Mockito.mock;

/**
 * The storefront's embedded database behind Spring Boot's real connection pool: queries asked for from a
 * non-blocking thread (as an event loop is) run on a bounded elastic thread, never on the thread that asked or that
 * drained the pool, and the pool keeps {@code spring.r2dbc.pool.*}. Without {@link EmbeddedDatabaseConfiguration}
 * they run on the threads that asked (the second test).
 */
@Timeout(30)
class EmbeddedDatabaseConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(R2dbcAutoConfiguration.class))
		.withPropertyValues("spring.r2dbc.url=r2dbc:h2:mem:///embedded-offload;DB_CLOSE_DELAY=-1",
				"spring.r2dbc.pool.max-size=4", "spring.r2dbc.pool.initial-size=2");

	@Test
	void queriesOfTheEmbeddedDatabaseRunOnBoundedElasticThreads() {
		this.contextRunner.withUserConfiguration(EmbeddedDatabaseConfiguration.class).run((context) -> {
			ConnectionPool pool = context.getBean(ConnectionPool.class);
			assertThat(pool.getMetrics())
				.hasValueSatisfying((metrics) -> assertThat(metrics.getMaxAllocatedSize()).isEqualTo(4));
			assertThat(queryThreads(pool)).allSatisfy((thread) -> assertThat(thread).startsWith("boundedElastic-"));
		});
	}

	/**
	 * The control: without the configuration H2 runs each query on the thread that asked or on the one that handed
	 * the connection over (the asking parallel threads, or whichever thread released or created a connection first,
	 * which then keeps handing them on), never on a bounded elastic thread.
	 */
	@Test
	void withoutItTheQueriesRunOnTheThreadsThatHandTheConnectionsOver() {
		this.contextRunner.run((context) -> assertThat(queryThreads(context.getBean(ConnectionPool.class)))
			.allSatisfy((thread) -> assertThat(thread).doesNotStartWith("boundedElastic-")));
	}

	@Test
	void otherDriversAreLeftAsTheyAre() {
		ConnectionFactory postgres = mock(ConnectionFactory.class);
		given(postgres.getMetadata()).willReturn(() -> "PostgreSQL");
		assertThat(new EmbeddedDatabaseConfiguration().embeddedDatabaseOffEventLoops().decorate(postgres))
			.isSameAs(postgres);
	}

	/**
	 * The threads 40 queries ran on, eight at a time, each asked for from a non-blocking parallel thread; seen from
	 * the row mapping, as H2 emits its rows where it ran the query.
	 */
	private static List<String> queryThreads(ConnectionFactory connections) {
		List<String> threads = Flux.range(0, 40)
			.flatMap((i) -> Mono.usingWhen(connections.create(),
					(connection) -> Flux.from(connection.createStatement("SELECT 1").execute())
						.flatMap((result) -> result.map((row, metadata) -> Thread.currentThread().getName()))
						.single(),
					Connection::close)
				.subscribeOn(Schedulers.parallel()), 8)
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(threads).hasSize(40);
		return threads;
	}

}
