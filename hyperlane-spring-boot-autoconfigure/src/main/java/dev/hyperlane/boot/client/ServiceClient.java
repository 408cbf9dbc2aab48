package dev.hyperlane.boot.client;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import dev.hyperlane.boot.EffectiveSetting;
import dev.hyperlane.boot.SettingSource;
import dev.hyperlane.boot.retry.RetryBudget;
import dev.hyperlane.boot.retry.RetryPolicy;
import dev.hyperlane.boot.transport.SocketOptionPlan;
import dev.hyperlane.boot.transport.TransportResources;
import io.netty.channel.ChannelOption;
import io.netty.handler.timeout.WriteTimeoutHandler;
import org.jspecify.annotations.Nullable;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.netty.tcp.AbstractProtocolSslContextSpec;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.reactive.ClientHttpConnector;

/**
 * Everything one downstream service's calls run on: its own {@link ConnectionProvider} (the global shared pool is
 * never used), a connector on that pool, a second connector that always opens a fresh connection (for the one
 * safe retry), its {@link RetryBudget} and {@link RetryPolicy}, and its {@link ClientStatistics}.
 */
public final class ServiceClient {

	private final ClientSettings settings;

	private final ConnectionProvider provider;

	private final HttpClient pooledClient;

	private final ClientHttpConnector pooled;

	private final ClientHttpConnector fresh;

	private final ReactorClientHttpRequestFactory requestFactory;

	private final ReactorClientHttpRequestFactory freshRequestFactory;

	private final RetryBudget budget;

	private final RetryPolicy retryPolicy;

	private final ClientStatistics statistics;

	private final Map<String, EffectiveSetting> effective;

	private final @Nullable SslBundle sslBundle;

	ServiceClient(ClientSettings settings, Map<String, EffectiveSetting> bootOverrides, TransportResources transport,
			@Nullable PoolMeterBinder meters, Function<HttpClient, ClientHttpConnector> connectorFactory,
			@Nullable SslBundle sslBundle) {
		this.settings = settings;
		this.sslBundle = sslBundle;
		Map<String, EffectiveSetting> effective = new LinkedHashMap<>(settings.effective());
		effective.putAll(bootOverrides);
		this.effective = Collections.unmodifiableMap(effective);
		this.statistics = new ClientStatistics();
		this.budget = new RetryBudget(settings.retryBudgetPercent(), settings.retryBudgetMinPerSecond(),
				settings.retryBudgetWindow(), System::currentTimeMillis);
		this.retryPolicy = new RetryPolicy(settings.retryEnabled(), settings.retryBackoff(), this.budget,
				this.statistics.retryListener());
		this.provider = connectionProvider(settings, this.statistics, meters);
		this.pooledClient = httpClient(HttpClient.create(this.provider), transport);
		this.pooled = connectorFactory.apply(this.pooledClient);
		HttpClient freshClient = httpClient(HttpClient.newConnection(), transport);
		this.fresh = connectorFactory.apply(freshClient);
		this.requestFactory = new ReactorClientHttpRequestFactory(this.pooledClient);
		this.freshRequestFactory = new ReactorClientHttpRequestFactory(freshClient);
	}

	private static ConnectionProvider connectionProvider(ClientSettings settings, ClientStatistics statistics,
			@Nullable PoolMeterBinder meters) {
		ConnectionProvider.Builder builder = ConnectionProvider.builder("hyperlane-" + settings.service())
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(settings.pendingAcquireMaxCount())
			.pendingAcquireTimeout(settings.pendingAcquireTimeout())
			.maxLifeTime(settings.maxLifeTime())
			.maxLifeTimeVariance(settings.maxLifeTimeVariance())
			.evictInBackground(settings.evictionInterval())
			.evictionPredicate(KeepAliveEviction.predicate(settings.maxIdleTime(), settings.honorKeepAliveHeader(),
					settings.keepAliveMargin(), statistics));
		builder = (settings.leasing() == LeasingStrategy.LIFO) ? builder.lifo() : builder.fifo();
		if (settings.metrics()) {
			builder = builder.metrics(true, () -> new PoolMetricsRegistrar(statistics, meters));
		}
		return builder.build();
	}

	private HttpClient httpClient(HttpClient client, TransportResources transport) {
		ClientSettings settings = this.settings;
		boolean bootReadTimeout = bootReadTimeout(this.effective);
		// on HTTP/1.1, until the headers and with no read idle timeout, one handler and timer per connection
		boolean perConnection = !bootReadTimeout && settings.readIdleTimeout() == null
				&& settings.protocol() == ClientProtocol.HTTP11;
		HttpClient tuned = client.runOn(transport.loopResources())
			.option(ChannelOption.ALLOCATOR, transport.allocator())
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis())
			.compress(settings.compression())
			.resolver((dns) -> dns.cacheMaxTimeToLive(settings.dnsCacheMaxTimeToLive())
				.queryTimeout(settings.dnsQueryTimeout()));
		for (SocketOptionPlan.Applied option : settings.socketPlan().applied()) {
			tuned = tuned.option(option.rawOption(), option.value());
		}
		// HTTP/1.1 is Reactor Netty's default: calling protocol() for it would initialize HttpClientSecure, whose
		// default TLS context loads the JDK's trust store at start-up (about 0.1 s) even when nothing calls https
		tuned = switch (settings.protocol()) {
			case HTTP11 -> tuned;
			case H2C -> tuned.protocol(HttpProtocol.H2C);
			case H2 -> tuned.protocol(HttpProtocol.H2, HttpProtocol.HTTP11);
		};
		if (perConnection) {
			long timeoutNanos = settings.responseTimeout().toNanos();
			tuned = tuned
				.doOnChannelInit((observer, channel, remote) -> channel.pipeline()
					.addFirst(ResponseHeaderTimeout.NAME, new ResponseHeaderTimeout(timeoutNanos)))
				.doOnRequest((request, connection) -> ResponseHeaderTimeout.requestStarting(connection))
				.doAfterRequest((request, connection) -> ResponseHeaderTimeout.requestSent(connection))
				.doOnResponse((response, connection) -> ResponseHeaderTimeout.responseReceived(connection));
		}
		else {
			tuned = tuned.responseTimeout(settings.responseTimeout());
			if (!bootReadTimeout) {
				// the response timeout ends at the response headers; Boot's read-timeout keeps Reactor Netty's meaning
				tuned = tuned.doOnResponse(new ResponseTimeoutEnd(settings.readIdleTimeout(),
						new StreamingMediaTypes(settings.streamingMediaTypes())));
			}
		}
		Duration writeIdleTimeout = settings.writeIdleTimeout();
		if (writeIdleTimeout != null) {
			long write = writeIdleTimeout.toMillis();
			tuned = tuned.doOnRequest((request, connection) -> connection.addHandlerFirst(
					"hyperlane.writeIdleTimeout", new WriteTimeoutHandler(write, TimeUnit.MILLISECONDS)));
		}
		if (settings.honorKeepAliveHeader()) {
			tuned = tuned.doOnResponse(KeepAliveEviction::record);
		}
		if (this.sslBundle != null) {
			AbstractProtocolSslContextSpec<?> tls = tls(this.sslBundle, settings.protocol());
			tuned = tuned.secure((spec) -> spec.sslContext(tls));
		}
		return tuned;
	}

	/**
	 * Return whether Spring Boot's {@code spring.http.clients.read-timeout} is the response timeout applied: Boot's
	 * connector builder sets it as Reactor Netty's {@code responseTimeout} after Hyperlane's, with Reactor Netty's
	 * meaning (the longest pause between any two reads, body included), which Hyperlane then leaves as it is.
	 */
	private static boolean bootReadTimeout(Map<String, EffectiveSetting> effective) {
		EffectiveSetting responseTimeout = effective.get("response-timeout");
		return responseTimeout != null && responseTimeout.source() == SettingSource.BOOT_PROPERTY;
	}

	/**
	 * TLS for https URLs from a Spring Boot SSL bundle: its trust material verifies the server, its key (when the
	 * bundle has one) is the client certificate, its protocols and ciphers apply; ALPN offers h2 when the service
	 * speaks h2. Netty uses OpenSSL (netty-tcnative) when it is on the class path, else the JDK's provider.
	 */
	private static AbstractProtocolSslContextSpec<?> tls(SslBundle bundle, ClientProtocol protocol) {
		AbstractProtocolSslContextSpec<?> spec = (protocol == ClientProtocol.H2) ? Http2SslContextSpec.forClient()
				: Http11SslContextSpec.forClient();
		return spec.configure((builder) -> {
			builder.keyManager(bundle.getManagers().getKeyManagerFactory());
			builder.trustManager(bundle.getManagers().getTrustManagerFactory());
			if (bundle.getOptions().getEnabledProtocols() != null) {
				builder.protocols(bundle.getOptions().getEnabledProtocols());
			}
			if (bundle.getOptions().getCiphers() != null) {
				builder.ciphers(SslOptions.asSet(bundle.getOptions().getCiphers()));
			}
		});
	}

	/**
	 * Return the settings.
	 * @return the service's effective settings
	 */
	public ClientSettings settings() {
		return this.settings;
	}

	/**
	 * Return the settings as applied, Spring Boot's {@code spring.http.clients.*} values included.
	 * @return the effective settings keyed by name below the service prefix
	 */
	public Map<String, EffectiveSetting> effective() {
		return this.effective;
	}

	/**
	 * Return the live figures.
	 * @return the statistics
	 */
	public ClientStatistics statistics() {
		return this.statistics;
	}

	/**
	 * Return the retry budget.
	 * @return the budget
	 */
	public RetryBudget budget() {
		return this.budget;
	}

	/**
	 * Return the retry policy, on the service's budget: the one the HTTP client and the load balancer ask.
	 * @return the policy
	 */
	public RetryPolicy retryPolicy() {
		return this.retryPolicy;
	}

	/**
	 * Return the service's connection provider.
	 * @return the connection provider
	 */
	public ConnectionProvider connectionProvider() {
		return this.provider;
	}

	HttpClient httpClient() {
		return this.pooledClient;
	}

	/**
	 * Apply Spring Boot's {@code spring.http.clients.connect-timeout} and {@code read-timeout}, when set, to the
	 * blocking request factories too (the reactive connectors get them from Boot's connector builder).
	 * @param connectTimeout Boot's connect timeout, or {@code null}
	 * @param readTimeout Boot's read timeout, or {@code null}
	 */
	void applyBootTimeouts(@Nullable Duration connectTimeout, @Nullable Duration readTimeout) {
		for (ReactorClientHttpRequestFactory factory : List.of(this.requestFactory, this.freshRequestFactory)) {
			if (connectTimeout != null) {
				factory.setConnectTimeout(connectTimeout);
			}
			if (readTimeout != null) {
				factory.setReadTimeout(readTimeout);
			}
		}
	}

	ReactorClientHttpRequestFactory requestFactory() {
		return this.requestFactory;
	}

	ReactorClientHttpRequestFactory freshRequestFactory() {
		return this.freshRequestFactory;
	}

	ClientHttpConnector pooled() {
		return this.pooled;
	}

	ClientHttpConnector fresh() {
		return this.fresh;
	}

	/**
	 * Dispose the connection pools kept for an instance that left its service's list, with their meters and
	 * figures (Reactor Netty's {@link ConnectionProvider#disposeWhen(SocketAddress)}; the registrar hears of it).
	 * @param host the instance's host
	 * @param port the instance's port
	 */
	void release(String host, int port) {
		boolean known = false;
		for (SocketAddress address : this.statistics.pools().keySet()) {
			if (address instanceof InetSocketAddress inet && inet.getPort() == port
					&& host.equalsIgnoreCase(inet.getHostString())) {
				// the address the pool was registered with, so its meters and figures are released under it
				this.provider.disposeWhen(address);
				known = true;
			}
		}
		if (!known) {
			this.provider.disposeWhen(InetSocketAddress.createUnresolved(host, port));
		}
	}

	void dispose() {
		this.provider.disposeLater().block(Duration.ofSeconds(5));
	}

}
