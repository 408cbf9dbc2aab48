package dev.hyperlane.samples.support;

import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.h2.H2ConnectionFactoryMetadata;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the embedded database's work off the event loops, in both samples (their applications import it): each
 * connection of the H2 R2DBC driver (the default
 * {@code r2dbc:h2:mem}, and the H2 server of {@code scripts/demo-topology.sh} with {@code DEMO_DATABASE=h2}) names
 * {@link Schedulers#boundedElastic()} as its scheduler, and the connection pool delivers it there
 * ({@link SchedulerBoundConnectionFactory}). Other drivers are left as they are: PostgreSQL's does not block and
 * its work stays on the event loops.
 * <p>
 * Why: the H2 R2DBC driver runs each query on the thread that subscribes to it, and the pool (r2dbc-pool over
 * reactor-pool) hands a free connection to a waiting request on whatever thread is draining its queue
 * ({@code SimpleDequePool.drainLoop}). Under a steady overload the event loop that entered the drain ran the other
 * requests' queries and JSON encoding one after another and never left it, so none of its own connections were
 * read: every second new connection waited for its first byte until the overload ended (three thread dumps, the
 * same loop in {@code drainLoop} each time; {@code benchmarks/overload/first-byte.sh} on epoll, 2026-12-05: 6 of 36
 * new connections unanswered within 15 s and the slowest first byte 14.0 s, against 0 of 36 and 1.7 s with
 * {@code spring.r2dbc.pool.enabled=false}). Now the drain only hands connections over: no new connection went
 * unanswered or waited above 1 s, the slowest first byte was 464 ms (two runs each on io_uring, io_uring with
 * multishot accept and epoll; README.md, "Overload"). Spring Boot's pool and its
 * {@code spring.r2dbc.pool.*} settings are kept: Boot 4.0 has no customizer for the pool's builder, and its
 * {@link ConnectionFactoryDecorator} wraps the driver's connection factory before the pool is built on it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(H2ConnectionFactory.class)
public class EmbeddedDatabaseConfiguration {

	/**
	 * The decorator Spring Boot applies to the driver's connection factory before it builds its pool on it.
	 * @return a decorator that binds the H2 driver's connections to {@link Schedulers#boundedElastic()} and returns
	 * any other driver's factory as it is
	 */
	@Bean
	public ConnectionFactoryDecorator embeddedDatabaseOffEventLoops() {
		return (factory) -> H2ConnectionFactoryMetadata.NAME.equals(factory.getMetadata().getName())
				? new SchedulerBoundConnectionFactory(factory, Schedulers.boundedElastic()) : factory;
	}

}
