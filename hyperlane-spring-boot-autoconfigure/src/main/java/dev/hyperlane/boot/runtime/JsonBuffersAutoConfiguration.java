package dev.hyperlane.boot.runtime;

import java.util.List;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.jackson.autoconfigure.JsonMapperBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Scope;

/**
 * Builds Spring Boot's {@link JsonMapper} on a {@link JsonFactory} that keeps Jackson's working buffers per thread
 * ({@link JsonRecyclerPools#threadLocalPool()}, Jackson's own pool and its default before Jackson 2.17) instead of
 * Jackson 3's default shared pool.
 * <p>
 * Why: Spring Framework 7.0.8 and earlier (Spring Boot 4.0.7) take a buffer recycler from the shared pool for every
 * JSON value their WebFlux encoder writes and never give it back, so the pool is always empty and each response
 * allocates a new recycler with new buffers: about 18 KB of heap per JSON response, 42 % of all the heap a 1 KB JSON
 * response costs (async-profiler's allocation profile in benchmarks/README.md). With a per-thread pool the recycler
 * of the thread is reused whatever the caller does with it; on Reactor Netty's few event-loop threads and on a
 * servlet container's worker threads that is one recycler per thread for the life of the process. On virtual
 * threads each thread gets a recycler of its own, as many as Jackson 3's default allocates there anyway.
 * <p>
 * Spring Boot's own builder is replaced with the same builder on the other factory: every
 * {@link JsonMapperBuilderCustomizer} (Spring Boot's {@code spring.jackson.*} properties, modules, the
 * application's) is applied in the same order. The switch {@code hyperlane.jackson.thread-local-buffers=false}
 * leaves Spring Boot's builder in place; an application's own {@code JsonMapper.Builder} bean is kept as it is.
While the per-thread pool is in force it is listed at start-up and in the {@code runtime} section among the
departures from Spring Boot's behaviour ({@link JsonBuffers}).
 */
@AutoConfiguration(beforeName = "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration")
@ConditionalOnClass({ JsonMapper.class, JsonMapperBuilderCustomizer.class })
@ConditionalOnHyperlane
@ConditionalOnBooleanProperty(name = "hyperlane.jackson.thread-local-buffers", matchIfMissing = true)
public final class JsonBuffersAutoConfiguration {

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(JsonMapper.Builder.class)
	static class ThreadLocalBuffersConfiguration {

		@Bean
		@Scope("prototype")
		JsonMapper.Builder jsonMapperBuilder(List<JsonMapperBuilderCustomizer> customizers) {
			JsonMapper.Builder builder = JsonMapper
				.builder(JsonFactory.builder().recyclerPool(JsonRecyclerPools.threadLocalPool()).build());
			for (JsonMapperBuilderCustomizer customizer : customizers) {
				customizer.customize(builder);
			}
			return builder;
		}

		@Bean
		JsonBuffers hyperlaneJsonBuffers() {
			return new JsonBuffers();
		}

	}

}
