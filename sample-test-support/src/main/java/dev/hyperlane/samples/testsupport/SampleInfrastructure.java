package dev.hyperlane.samples.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.redis.testcontainers.RedisContainer;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.r2dbc.spi.Option;
import org.jspecify.annotations.Nullable;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayConfigurationCustomizer;
import org.springframework.boot.flyway.autoconfigure.FlywayConnectionDetails;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationStrategy;
import org.springframework.boot.r2dbc.autoconfigure.ConnectionFactoryOptionsBuilderCustomizer;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcConnectionDetails;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * PostgreSQL and Redis for a sample's tests, handed to Spring Boot as connection details so the application's own
 * auto-configuration (R2DBC pool, Flyway, reactive Lettuce) runs unchanged. Add it to a context with
 * {@code @Import(SampleInfrastructure.class)} or as a source of a {@code SpringApplicationBuilder}.
 * <ul>
 * <li>When a Docker engine answers (Testcontainers' {@link DockerClientFactory}): a PostgreSQL and a Redis
 * container, started once per JVM and shared by every context (as the services would share them in production),
 * connected through {@link ServiceConnection @ServiceConnection}.</li>
 * <li>Otherwise the services on this machine: {@value #POSTGRES_URL_VARIABLE} (shape
 * {@code postgresql://user[:password]@host[:port]/database}, default {@value #DEFAULT_POSTGRES_URL}) and
 * {@value #REDIS_URL_VARIABLE} (shape {@code redis://[:password@]host[:port][/database]}, default
 * {@value #DEFAULT_REDIS_URL}). When one does not accept a TCP connection within one second, the context fails
 * with an {@link IllegalStateException} that says what to start.</li>
 * </ul>
 * Every context names its PostgreSQL schema with the {@value #SCHEMA_PROPERTY} property (required); the schema
 * actually used is that name followed by this JVM's run id, so test classes, repeated runs and builds running at
 * the same time on one machine never see each other's rows. R2DBC connections use it as their search path; Flyway
 * creates and migrates it the first time a context of this JVM uses it, and drops it when the JVM ends. Redis
 * keys are separated by the application's own key prefix.
 */
@Configuration(proxyBeanMethods = false)
public class SampleInfrastructure {

	/**
	 * Property naming the PostgreSQL schema of a context: lower-case letters, digits and underscores.
	 */
	public static final String SCHEMA_PROPERTY = "sample.test.schema";

	/**
	 * Environment variable with the local PostgreSQL to use when no Docker engine answers.
	 */
	public static final String POSTGRES_URL_VARIABLE = "HYPERLANE_TEST_POSTGRES_URL";

	/**
	 * Environment variable with the local Redis to use when no Docker engine answers.
	 */
	public static final String REDIS_URL_VARIABLE = "HYPERLANE_TEST_REDIS_URL";

	static final String DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test";

	static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

	private static final String RUN = String.format("%08x", new SecureRandom().nextInt());

	private static final Set<String> migratedSchemas = ConcurrentHashMap.newKeySet();

	private static volatile @Nullable Boolean docker;

	/**
	 * Whether a Docker engine answers; asked once per JVM.
	 * @return whether Testcontainers can start containers
	 */
	public static boolean dockerAvailable() {
		Boolean answer = docker;
		if (answer == null) {
			try {
				answer = DockerClientFactory.instance().isDockerAvailable();
			}
			catch (RuntimeException ex) {
				answer = false;
			}
			docker = answer;
		}
		return answer;
	}

	/**
	 * The PostgreSQL the contexts of this JVM use, for a service the test runs outside a context with this
	 * configuration (another JVM, or through a {@code TcpProxy}): the shared container when a Docker engine answers
	 * (started on first use), otherwise the local service of {@value #POSTGRES_URL_VARIABLE}.
	 * @return the address
	 * @throws IllegalStateException when neither is there, saying what to start
	 */
	public static PostgresAddress postgres() {
		if (dockerAvailable()) {
			SharedPostgres container = SharedPostgres.INSTANCE;
			container.start();
			return new PostgresAddress(container.getHost(), container.getMappedPort(5432),
					container.getDatabaseName(), container.getUsername(), container.getPassword());
		}
		URI url = LocalServices.url(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL, 5432,
				"start PostgreSQL (.ci/services does) or a Docker engine");
		String[] user = LocalServices.userInfo(url);
		return new PostgresAddress(url.getHost(), LocalServices.port(url, 5432), LocalServices.database(url), user[0],
				user[1]);
	}

	/**
	 * A schema name for this JVM's run: the given name followed by the run id, as {@link #schema(Environment)}
	 * builds it.
	 * @param name lower-case letters, digits and underscores, at most 50
	 * @return the schema name
	 */
	public static String schema(String name) {
		if (!name.matches("[a-z][a-z0-9_]{0,49}")) {
			throw new IllegalArgumentException("Not a schema name (lower-case letters, digits, underscores, at most"
					+ " 50): " + name);
		}
		return name + "_" + RUN;
	}

	@Bean
	ConnectionFactoryOptionsBuilderCustomizer sampleSchemaSearchPath(Environment environment) {
		String schema = schema(environment);
		// r2dbc-postgresql's "schema" option sets the search path of every connection of the pool
		return (options) -> options.option(Option.valueOf("schema"), schema);
	}

	@Bean
	FlywayConfigurationCustomizer sampleSchemaMigrations(Environment environment) {
		String schema = schema(environment);
		return (configuration) -> configuration.schemas(schema).defaultSchema(schema).cleanDisabled(false);
	}

	@Bean
	FlywayMigrationStrategy sampleSchemaDroppedWhenTheRunEnds() {
		return (flyway) -> {
			String schema = flyway.getConfiguration().getDefaultSchema();
			if (migratedSchemas.add(schema)) {
				Runtime.getRuntime().addShutdownHook(new Thread(() -> {
					try {
						flyway.clean();
					}
					catch (RuntimeException ex) {
						// the database went first; the schema stays behind, named by its run
					}
				}, "drop-schema-" + schema));
			}
			flyway.migrate();
		};
	}

	/**
	 * The schema a context uses: the {@value #SCHEMA_PROPERTY} name and this JVM's run id.
	 * @param environment the context's environment
	 * @return the schema name
	 */
	public static String schema(Environment environment) {
		String schema = environment.getProperty(SCHEMA_PROPERTY);
		if (schema == null || !schema.matches("[a-z][a-z0-9_]{0,49}")) {
			throw new IllegalStateException("Set " + SCHEMA_PROPERTY + " to the test class's own PostgreSQL schema "
					+ "(lower-case letters, digits, underscores, at most 50), not " + schema);
		}
		return schema + "_" + RUN;
	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(DockerAnswers.class)
	static class Containers {

		@Bean
		@ServiceConnection
		PostgreSQLContainer samplePostgres() {
			return SharedPostgres.INSTANCE;
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails")
		static class RedisContainerConfiguration {

			@Bean
			@ServiceConnection
			RedisContainer sampleRedis() {
				return SharedRedis.INSTANCE;
			}

		}

	}

	/**
	 * One PostgreSQL container per JVM, so that several contexts (a storefront and the payments instances it
	 * calls) share a database as they would in production. Closing a context leaves it running; Testcontainers
	 * removes it when the JVM ends.
	 */
	static final class SharedPostgres extends PostgreSQLContainer {

		static final SharedPostgres INSTANCE = new SharedPostgres();

		private SharedPostgres() {
			super("postgres:17-alpine");
		}

		@Override
		public void stop() {
		}

		@Override
		public void close() {
		}

	}

	/**
	 * One Redis container per JVM, for the same reason as {@link SharedPostgres}.
	 */
	static final class SharedRedis extends RedisContainer {

		static final SharedRedis INSTANCE = new SharedRedis();

		private SharedRedis() {
			super(RedisContainer.DEFAULT_IMAGE_NAME.withTag("7-alpine"));
		}

		@Override
		public void stop() {
		}

		@Override
		public void close() {
		}

	}

	@Configuration(proxyBeanMethods = false)
	@Conditional(NoDockerEngine.class)
	static class LocalServices {

		@Bean
		R2dbcConnectionDetails sampleLocalPostgres() {
			URI url = url(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL, 5432,
					"start PostgreSQL (.ci/services does) or a Docker engine");
			String[] user = userInfo(url);
			ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.builder()
				.option(ConnectionFactoryOptions.DRIVER, "postgresql")
				.option(ConnectionFactoryOptions.HOST, url.getHost())
				.option(ConnectionFactoryOptions.PORT, port(url, 5432))
				.option(ConnectionFactoryOptions.DATABASE, database(url))
				.option(ConnectionFactoryOptions.USER, user[0]);
			if (user[1] != null) {
				options.option(ConnectionFactoryOptions.PASSWORD, user[1]);
			}
			ConnectionFactoryOptions built = options.build();
			return () -> built;
		}

		@Bean
		FlywayConnectionDetails sampleLocalPostgresMigrations() {
			URI url = url(POSTGRES_URL_VARIABLE, DEFAULT_POSTGRES_URL, 5432,
					"start PostgreSQL (.ci/services does) or a Docker engine");
			String[] user = userInfo(url);
			String jdbcUrl = "jdbc:postgresql://" + url.getHost() + ":" + port(url, 5432) + "/" + database(url);
			return new FlywayConnectionDetails() {

				@Override
				public String getUsername() {
					return user[0];
				}

				@Override
				public @Nullable String getPassword() {
					return user[1];
				}

				@Override
				public String getJdbcUrl() {
					return jdbcUrl;
				}

			};
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails")
		static class LocalRedis {

			@Bean
			DataRedisConnectionDetails sampleLocalRedis() {
				URI url = url(REDIS_URL_VARIABLE, DEFAULT_REDIS_URL, 6379,
						"start Redis (.ci/services does) or a Docker engine");
				String path = (url.getPath() != null) ? url.getPath().replace("/", "") : "";
				int database = path.isEmpty() ? 0 : Integer.parseInt(path);
				String password = (url.getUserInfo() != null) ? url.getUserInfo().replaceFirst("^[^:]*:", "") : null;
				return new DataRedisConnectionDetails() {

					@Override
					public @Nullable String getPassword() {
						return password;
					}

					@Override
					public Standalone getStandalone() {
						return Standalone.of(url.getHost(), port(url, 6379), database);
					}

				};
			}

		}

		static URI url(String variable, String fallback, int defaultPort, String advice) {
			return reachable(variable, System.getenv(variable), fallback, defaultPort, advice);
		}

		/**
		 * The service a variable names, or the fallback when it is unset, once it accepts a TCP connection.
		 * @throws IllegalStateException naming the address, the variable and what to start when nothing answers
		 */
		static URI reachable(String variable, @Nullable String value, String fallback, int defaultPort,
				String advice) {
			URI url = URI.create((value != null && !value.isBlank()) ? value.trim() : fallback);
			if (url.getHost() == null) {
				throw new IllegalStateException(variable + " must look like " + fallback + ", not " + value);
			}
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(url.getHost(), port(url, defaultPort)), 1000);
			}
			catch (IOException ex) {
				throw new IllegalStateException("No Docker engine answered and nothing accepts connections at "
						+ url.getHost() + ":" + port(url, defaultPort) + " (" + variable + "): " + advice
						+ ", or set " + variable + " to a running one", ex);
			}
			return url;
		}

		static int port(URI url, int defaultPort) {
			return (url.getPort() != -1) ? url.getPort() : defaultPort;
		}

		static String database(URI url) {
			String path = (url.getPath() != null) ? url.getPath().replace("/", "") : "";
			return path.isEmpty() ? "postgres" : path;
		}

		static String[] userInfo(URI url) {
			String info = url.getUserInfo();
			if (info == null || info.isEmpty()) {
				return new String[] { "postgres", null };
			}
			int colon = info.indexOf(':');
			return (colon < 0) ? new String[] { info, null }
					: new String[] { info.substring(0, colon), info.substring(colon + 1) };
		}

	}

	static final class DockerAnswers implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return dockerAvailable();
		}

	}

	static final class NoDockerEngine implements Condition {

		@Override
		public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
			return !dockerAvailable();
		}

	}

}
