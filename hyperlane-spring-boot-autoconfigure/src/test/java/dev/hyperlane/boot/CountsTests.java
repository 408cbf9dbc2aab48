package dev.hyperlane.boot;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Counts}: each count is kept apart, shown under its constant's name in lower camel case, in the
 * enum's order, and adds from many threads are all counted.
 */
class CountsTests {

	@Test
	void countsAreShownByNameInTheEnumsOrder() {
		Counts<Sample> counts = new Counts<>(Sample.class);
		counts.increment(Sample.CALLS_NOT_STARTED);
		counts.increment(Sample.CALLS_NOT_STARTED);
		counts.increment(Sample.REQUESTS);
		assertThat(counts.get(Sample.REQUESTS)).isOne();
		assertThat(counts.get(Sample.CALLS_NOT_STARTED)).isEqualTo(2);
		assertThat(counts.get(Sample.EVICTIONS_BY_KEEP_ALIVE_HEADER)).isZero();
		assertThat(counts.toMap()).containsExactly(Map.entry("requests", 1L),
				Map.entry("callsNotStarted", 2L), Map.entry("evictionsByKeepAliveHeader", 0L));
	}

	@Test
	void keyIsTheConstantsNameInLowerCamelCase() {
		assertThat(Counts.key(Sample.REQUESTS)).isEqualTo("requests");
		assertThat(Counts.key(Sample.EVICTIONS_BY_KEEP_ALIVE_HEADER)).isEqualTo("evictionsByKeepAliveHeader");
	}

	@Test
	void addsFromManyThreadsAreAllCounted() throws InterruptedException {
		Counts<Sample> counts = new Counts<>(Sample.class);
		ExecutorService threads = Executors.newFixedThreadPool(4);
		for (int i = 0; i < 4; i++) {
			threads.execute(() -> {
				for (int j = 0; j < 10_000; j++) {
					counts.increment(Sample.REQUESTS);
				}
			});
		}
		threads.shutdown();
		assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
		assertThat(counts.get(Sample.REQUESTS)).isEqualTo(40_000);
	}

	enum Sample {

		REQUESTS, CALLS_NOT_STARTED, EVICTIONS_BY_KEEP_ALIVE_HEADER

	}

}
