package dev.hyperlane.samples.ecommerce.catalog;

import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Chooses the product cache: {@code catalog.cache.type}, or Redis when a Redis host or URL is configured
 * ({@code spring.data.redis.host}, {@code spring.data.redis.url}, {@code SPRING_DATA_REDIS_HOST}), else
 * in-process. The {@code catalogCache} health indicator (in the readiness group) pings the cache in use.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CatalogProperties.class)
class CatalogCacheConfiguration {

	@Bean
	@Conditional(RedisCacheCondition.class)
	RedisProductCache redisProductCache(ReactiveStringRedisTemplate redis, JsonMapper json,
			CatalogProperties properties) {
		return new RedisProductCache(redis, json, properties.getCache());
	}

	@Bean
	@Conditional(InProcessCacheCondition.class)
	InProcessProductCache inProcessProductCache(CatalogProperties properties) {
		return new InProcessProductCache(properties.getCache());
	}

	@Bean
	ReactiveHealthIndicator catalogCacheHealthIndicator(ProductCache cache) {
		return () -> cache.check()
			.map((description) -> Health.up().withDetail("cache", description).build())
			.onErrorResume((ex) -> Mono.just(Health.down(ex).build()));
	}

	static boolean redis(Environment environment) {
		String type = environment.getProperty("catalog.cache.type");
		if (type != null && !type.isBlank()) {
			return type.trim().equalsIgnoreCase("redis");
		}
		return environment.containsProperty("spring.data.redis.host")
				|| environment.containsProperty("spring.data.redis.url");
	}

	static final class RedisCacheCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return new ConditionOutcome(redis(context.getEnvironment()), "catalog cache in Redis");
		}

	}

	static final class InProcessCacheCondition extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return new ConditionOutcome(!redis(context.getEnvironment()), "catalog cache in process");
		}

	}

}
