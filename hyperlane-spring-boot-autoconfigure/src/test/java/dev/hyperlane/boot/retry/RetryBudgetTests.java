package dev.hyperlane.boot.retry;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RetryBudget}, on a clock the test moves.
 */
class RetryBudgetTests {

	private final AtomicLong now = new AtomicLong(1_000_000);

	@Test
	void floorAllowsRetriesWithoutTraffic() {
		RetryBudget budget = new RetryBudget(20, 1, Duration.ofSeconds(10), this.now::get);
		assertThat(budget.remaining()).isEqualTo(10);
		for (int i = 0; i < 10; i++) {
			assertThat(budget.tryAcquire()).isTrue();
		}
		assertThat(budget.tryAcquire()).isFalse();
	}

	@Test
	void shareOfRequestsCanBeRetried() {
		RetryBudget budget = new RetryBudget(20, 0, Duration.ofSeconds(10), this.now::get);
		for (int i = 0; i < 100; i++) {
			budget.record();
		}
		assertThat(budget.remaining()).isEqualTo(20);
		int retried = 0;
		while (budget.tryAcquire()) {
			retried++;
		}
		assertThat(retried).isEqualTo(20);
	}

	@Test
	void oldCountsLeaveTheWindow() {
		RetryBudget budget = new RetryBudget(50, 0, Duration.ofSeconds(2), this.now::get);
		for (int i = 0; i < 10; i++) {
			budget.record();
		}
		assertThat(budget.remaining()).isEqualTo(5);
		this.now.addAndGet(1000);
		assertThat(budget.remaining()).isEqualTo(5);
		this.now.addAndGet(1000);
		assertThat(budget.remaining()).isZero();
	}

	@Test
	void zeroBudgetRefusesEveryRetry() {
		RetryBudget budget = new RetryBudget(0, 0, Duration.ofSeconds(10), this.now::get);
		budget.record();
		assertThat(budget.tryAcquire()).isFalse();
	}

	@Test
	void hedgesAndRetriesSpendFromOneAccount() {
		RetryBudget budget = new RetryBudget(20, 0, Duration.ofSeconds(10), this.now::get);
		for (int i = 0; i < 100; i++) {
			budget.record();
		}
		// hedges stop at their own share (5 of 100 calls) and leave that many retries fewer
		int hedged = 0;
		while (budget.tryAcquireHedge(5)) {
			hedged++;
		}
		assertThat(hedged).isEqualTo(5);
		assertThat(budget.remaining()).isEqualTo(15);
		// retries spend the rest; then no hedge is left either, whatever the hedges' own share
		int retried = 0;
		while (budget.tryAcquire()) {
			retried++;
		}
		assertThat(retried).isEqualTo(15);
		assertThat(budget.tryAcquireHedge(100)).isFalse();
	}

}
