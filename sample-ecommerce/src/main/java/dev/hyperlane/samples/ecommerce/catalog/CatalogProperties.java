package dev.hyperlane.samples.ecommerce.catalog;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code catalog.cache.*}: which product cache runs, how long an entry lives and how Redis keys are named.
 */
@ConfigurationProperties("catalog")
public class CatalogProperties {

	private final Cache cache = new Cache();

	public Cache getCache() {
		return this.cache;
	}

	/**
	 * The product cache in front of the database.
	 */
	public static class Cache {

		/**
		 * Cache to use; when unset, Redis if spring.data.redis.host or spring.data.redis.url is set, else
		 * in-process.
		 */
		private @Nullable CacheType type;

		/**
		 * Time a cached product lives; bounds how long a change made behind the service's back stays unseen.
		 */
		private Duration ttl = Duration.ofMinutes(5);

		/**
		 * Prefix of the Redis keys, followed by the product id.
		 */
		private String keyPrefix = "storefront:product:";

		/**
		 * Most products the in-process cache holds.
		 */
		private long maximumSize = 10_000;

		public @Nullable CacheType getType() {
			return this.type;
		}

		public void setType(@Nullable CacheType type) {
			this.type = type;
		}

		public Duration getTtl() {
			return this.ttl;
		}

		public void setTtl(Duration ttl) {
			this.ttl = ttl;
		}

		public String getKeyPrefix() {
			return this.keyPrefix;
		}

		public void setKeyPrefix(String keyPrefix) {
			this.keyPrefix = keyPrefix;
		}

		public long getMaximumSize() {
			return this.maximumSize;
		}

		public void setMaximumSize(long maximumSize) {
			this.maximumSize = maximumSize;
		}

	}

	/**
	 * Where products are cached.
	 */
	public enum CacheType {

		/**
		 * Redis, through reactive Lettuce: shared by every instance.
		 */
		REDIS,

		/**
		 * A Caffeine cache in this JVM.
		 */
		IN_PROCESS

	}

}
