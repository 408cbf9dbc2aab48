package dev.hyperlane.samples.payments;

import io.r2dbc.h2.H2ConnectionFactory;
import io.r2dbc.h2.H2ConnectionFactoryMetadata;
import reactor.core.scheduler.Schedulers;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.r2dbc.ConnectionFactoryDecorator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Keeps the embedded database's work off the event loops, as the storefront does: each connection of the H2 R2DBC
 * driver (the default {@code r2dbc:h2:mem}, and the H2 server the payments instances share in
 * {@code scripts/demo-topology.sh} with {@code DEMO_DATABASE=h2}) names {@link Schedulers#boundedElastic()} as its
 * scheduler, and the connection pool delivers it there ({@link SchedulerBoundConnectionFactory}). Other drivers are
 * left as they are: PostgreSQL's does not block and its work stays on the event loops.
 * <p>
 * Why: the H2 R2DBC driver runs each query on the thread that subscribes to it, and the pool (r2dbc-pool over
 * reactor-pool) hands a free connection to a waiting request on whatever thread is draining its queue
 * ({@code SimpleDequePool.drainLoop}), so under a steady overload one event loop ran every request's database work
 * and read none of its own connections. Measured on the storefront, which has the same driver and pool
 * ({@code benchmarks/overload/first-byte.sh}; the figures are in the storefront's
 * {@code EmbeddedDatabaseConfiguration} and in README.md, "Overload"). Spring Boot's pool and its
 * {@code spring.r2dbc.pool.*} settings are kept: Boot 4.0 has no customizer for the pool's builder, and its
 * {@link ConnectionFactoryDecorator} wraps the driver's connection factory before the pool is built on it.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(H2ConnectionFactory.class)
class EmbeddedDatabaseConfiguration {

	@Bean
	ConnectionFactoryDecorator embeddedDatabaseOffEventLoops() {
		return (factory) -> H2ConnectionFactoryMetadata.NAME.equals(factory.getMetadata().getName())
				? new SchedulerBoundConnectionFactory(factory, Schedulers.boundedElastic()) : factory;
	}

}
