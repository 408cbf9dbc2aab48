package dev.hyperlane.samples.support;

import java.time.Duration;

import io.r2dbc.spi.Batch;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionMetadata;
import io.r2dbc.spi.IsolationLevel;
import io.r2dbc.spi.Statement;
import io.r2dbc.spi.TransactionDefinition;
import io.r2dbc.spi.ValidationDepth;
import io.r2dbc.spi.Wrapped;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.r2dbc.connection.DelegatingConnectionFactory;

/**
 * A driver's connection factory whose connections name a {@link Scheduler}: r2dbc-pool (1.0.2 and later) delivers a
 * pooled connection that unwraps to a {@code Scheduler} on that scheduler, so whatever the borrower does with it
 * (the query, and for a driver that blocks, the query's whole work) runs there instead of on the thread that
 * drained the pool's queue. Everything else is the driver's own: each call goes to the driver's connection, and
 * {@link Wrapped#unwrap()} returns it.
 */
public final class SchedulerBoundConnectionFactory extends DelegatingConnectionFactory {

	private final Scheduler scheduler;

	SchedulerBoundConnectionFactory(ConnectionFactory driver, Scheduler scheduler) {
		super(driver);
		this.scheduler = scheduler;
	}

	@Override
	public Mono<? extends Connection> create() {
		return super.create().map((connection) -> new SchedulerBoundConnection(connection, this.scheduler));
	}

	private record SchedulerBoundConnection(Connection driver, Scheduler scheduler)
			implements Connection, Wrapped<Connection> {

		@Override
		public Connection unwrap() {
			return this.driver;
		}

		@Override
		@SuppressWarnings("unchecked")
		public <E> @Nullable E unwrap(Class<E> targetClass) {
			return (targetClass == Scheduler.class) ? (E) this.scheduler : Wrapped.super.unwrap(targetClass);
		}

		@Override
		public Publisher<Void> beginTransaction() {
			return this.driver.beginTransaction();
		}

		@Override
		public Publisher<Void> beginTransaction(TransactionDefinition definition) {
			return this.driver.beginTransaction(definition);
		}

		@Override
		public Publisher<Void> close() {
			return this.driver.close();
		}

		@Override
		public Publisher<Void> commitTransaction() {
			return this.driver.commitTransaction();
		}

		@Override
		public Batch createBatch() {
			return this.driver.createBatch();
		}

		@Override
		public Publisher<Void> createSavepoint(String name) {
			return this.driver.createSavepoint(name);
		}

		@Override
		public Statement createStatement(String sql) {
			return this.driver.createStatement(sql);
		}

		@Override
		public boolean isAutoCommit() {
			return this.driver.isAutoCommit();
		}

		@Override
		public ConnectionMetadata getMetadata() {
			return this.driver.getMetadata();
		}

		@Override
		public IsolationLevel getTransactionIsolationLevel() {
			return this.driver.getTransactionIsolationLevel();
		}

		@Override
		public Publisher<Void> releaseSavepoint(String name) {
			return this.driver.releaseSavepoint(name);
		}

		@Override
		public Publisher<Void> rollbackTransaction() {
			return this.driver.rollbackTransaction();
		}

		@Override
		public Publisher<Void> rollbackTransactionToSavepoint(String name) {
			return this.driver.rollbackTransactionToSavepoint(name);
		}

		@Override
		public Publisher<Void> setAutoCommit(boolean autoCommit) {
			return this.driver.setAutoCommit(autoCommit);
		}

		@Override
		public Publisher<Void> setLockWaitTimeout(Duration timeout) {
			return this.driver.setLockWaitTimeout(timeout);
		}

		@Override
		public Publisher<Void> setStatementTimeout(Duration timeout) {
			return this.driver.setStatementTimeout(timeout);
		}

		@Override
		public Publisher<Void> setTransactionIsolationLevel(IsolationLevel isolationLevel) {
			return this.driver.setTransactionIsolationLevel(isolationLevel);
		}

		@Override
		public Publisher<Boolean> validate(ValidationDepth depth) {
			return this.driver.validate(depth);
		}

	}

}
