package dev.hyperlane.samples.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.testsupport.TcpProxy;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where the samples' tests find PostgreSQL, for a service that runs outside the test's Spring context (another
 * JVM, or a context that reaches the database through a {@link TcpProxy}): the local service or the shared
 * container that {@link SampleInfrastructure} also uses. Such a service is given the Spring Boot properties of
 * {@link #springArguments(String)} on its command line; it migrates and uses one schema, which the test owns and
 * drops with {@link #dropSchema(String)}.
 *
 * @param host the host name or address
 * @param port the TCP port
 * @param database the database name
 * @param user the user name
 * @param password the password, or {@code null} for trust authentication
 */
public record PostgresAddress(String host, int port, String database, String user, @Nullable String password) {

	/**
	 * The same database reached at another address, such as a {@link TcpProxy} in front of it.
	 * @param host the host
	 * @param port the port
	 * @return the address
	 */
	public PostgresAddress at(String host, int port) {
		return new PostgresAddress(host, port, this.database, this.user, this.password);
	}

	/**
	 * The R2DBC URL, without credentials.
	 * @return {@code r2dbc:postgresql://host:port/database}
	 */
	public String r2dbcUrl() {
		return "r2dbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
	}

	/**
	 * The JDBC URL, without credentials.
	 * @return {@code jdbc:postgresql://host:port/database}
	 */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + this.host + ":" + this.port + "/" + this.database;
	}

	/**
	 * Spring Boot command-line arguments that point R2DBC and Flyway of a sample at one schema of this database.
	 * @param schema the schema, used as the connections' search path and Flyway's only schema
	 * @return {@code --spring.r2dbc.*} and {@code --spring.flyway.*} arguments
	 */
	public List<String> springArguments(String schema) {
		List<String> arguments = new ArrayList<>();
		arguments.add("--spring.r2dbc.url=" + r2dbcUrl());
		arguments.add("--spring.r2dbc.username=" + this.user);
		arguments.add("--spring.r2dbc.properties.schema=" + schema);
		arguments.add("--spring.flyway.url=" + jdbcUrl());
		arguments.add("--spring.flyway.user=" + this.user);
		arguments.add("--spring.flyway.schemas=" + schema);
		if (this.password != null) {
			arguments.add("--spring.r2dbc.password=" + this.password);
			arguments.add("--spring.flyway.password=" + this.password);
		}
		return arguments;
	}

	/**
	 * Register Spring properties that send an application's R2DBC requests through a proxy in front of this
	 * server while its Flyway migrations go straight to it, both in one schema.
	 * @param proxy the proxy, listening on 127.0.0.1
	 * @param schema the schema
	 * @param registry the test's dynamic properties
	 */
	public void registerThrough(TcpProxy proxy, String schema, DynamicPropertyRegistry registry) {
		register(at("127.0.0.1", proxy.port()).springArguments(schema), "spring.r2dbc.", registry);
		register(springArguments(schema), "spring.flyway.", registry);
	}

	private static void register(List<String> arguments, String prefix, DynamicPropertyRegistry registry) {
		for (String argument : arguments) {
			String[] property = argument.substring(2).split("=", 2);
			if (property[0].startsWith(prefix)) {
				registry.add(property[0], () -> property[1]);
			}
		}
	}

	/**
	 * Create a schema when it is missing.
	 * @param schema the schema
	 */
	public void createSchema(String schema) {
		execute("CREATE SCHEMA IF NOT EXISTS " + checked(schema));
	}

	/**
	 * Drop a schema and everything in it.
	 * @param schema the schema
	 */
	public void dropSchema(String schema) {
		execute("DROP SCHEMA IF EXISTS " + checked(schema) + " CASCADE");
	}

	/**
	 * Open a JDBC connection.
	 * @return the connection, to be closed by the caller
	 * @throws SQLException when PostgreSQL refuses it
	 */
	public Connection connect() throws SQLException {
		return DriverManager.getConnection(jdbcUrl(), this.user, this.password);
	}

	private void execute(String sql) {
		try (Connection connection = connect(); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not run " + sql + " on " + jdbcUrl(), ex);
		}
	}

	private static String checked(String schema) {
		if (!schema.matches("[a-z][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException("Not a plain schema name: " + schema);
		}
		return schema;
	}

}
