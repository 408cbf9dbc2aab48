package dev.hyperlane.boot.server;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.netty.http.server.HttpServerRequest;

import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * TLS through Spring Boot SSL bundles with certificates made at run time ({@link TestCertificates}): the server's
 * bundle ({@code server.ssl.bundle}) served by OpenSSL (netty-tcnative is on the test class path), HTTP/2 negotiated
 * through ALPN by the JDK's own HTTP client, TLS 1.2 sessions resumed by a returning client, and mutual TLS between
 * the server and Hyperlane's client ({@code hyperlane.client.services.<name>.ssl-bundle}), which a client without a
 * certificate cannot pass.
 */
@Timeout(90)
@ExtendWith(OutputCaptureExtension.class)
class TlsTests {

	private static final TestCertificates certificates = TestCertificates.get();

	private final ReactiveWebApplicationContextRunner runner = TestServers
		.runner(ClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
				ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class)
		.withUserConfiguration(Routes.class)
		.withPropertyValues(properties("server.ssl.bundle=server"));

	@Test
	@SuppressWarnings("unchecked")
	void openSslServesHttp2ThroughAlpnToTheJdkHttpClient() {
		this.runner.withPropertyValues("hyperlane.server.http2.enabled=true").run((context) -> {
			HttpClient client = HttpClient.newBuilder()
				.sslContext(trustingContext())
				.version(HttpClient.Version.HTTP_2)
				.connectTimeout(Duration.ofSeconds(5))
				.build();
			HttpResponse<String> response = client.send(
					HttpRequest.newBuilder(URI.create("https://localhost:" + TestServers.port(context) + "/protocol"))
						.timeout(Duration.ofSeconds(10))
						.build(),
					HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(200);
			assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
			assertThat(response.body()).isEqualTo("HTTP/2.0");
			Map<String, Object> tls = (Map<String, Object>) TestServers.server(context).get("tls");
			assertThat(tls).containsEntry("enabled", true)
				.containsEntry("provider", "openssl")
				.containsEntry("openSslAvailable", true);
			assertThat((List<String>) tls.get("applicationProtocols")).contains("h2", "http/1.1");
		});
	}

	@Test
	void returningClientResumesItsTlsSession() {
		this.runner.run((context) -> {
			SSLContext ssl = trustingContext();
			byte[] first = handshake(ssl, TestServers.port(context));
			byte[] second = handshake(ssl, TestServers.port(context));
			assertThat(first).isNotEmpty();
			assertThat(second).isEqualTo(first);
			// a client that kept no session gets a new one
			assertThat(handshake(trustingContext(), TestServers.port(context))).isNotEqualTo(first);
		});
	}

	@Test
	void mutualTlsAdmitsHyperlanesClientWithItsBundleAndRefusesOthers() {
		List<String> properties = new ArrayList<>(certificates.bundle("client", certificates.clientKeyStore(),
				"client"));
		properties.add("server.ssl.client-auth=need");
		properties.add("hyperlane.client.services.localhost.ssl-bundle=client");
		properties.add("hyperlane.client.services.localhost.protocol=h2");
		properties.add("hyperlane.server.http2.enabled=true");
		this.runner.withPropertyValues(properties.toArray(new String[0])).run((context) -> {
			WebClient client = context.getBean(WebClient.Builder.class)
				.baseUrl("https://localhost:" + TestServers.port(context))
				.build();
			assertThat(client.get().uri("/protocol").retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10)))
				.isEqualTo("HTTP/2.0");
			HttpClient withoutCertificate = HttpClient.newBuilder().sslContext(trustingContext()).build();
			assertThatExceptionOfType(java.io.IOException.class).isThrownBy(() -> withoutCertificate.send(
					HttpRequest.newBuilder(URI.create("https://localhost:" + TestServers.port(context) + "/protocol"))
						.timeout(Duration.ofSeconds(10))
						.build(),
					HttpResponse.BodyHandlers.ofString()));
		});
	}

	@ParameterizedTest(name = "http2 {0}")
	@ValueSource(booleans = { false, true })
	@SuppressWarnings("unchecked")
	void failedHandshakesAreCountedNotLoggedWithAStackTrace(boolean http2, CapturedOutput output) {
		this.runner.withPropertyValues("hyperlane.server.http2.enabled=" + http2).run((context) -> {
			try (RawHttpConnection plain = new RawHttpConnection(TestServers.port(context))) {
				plain.write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
				plain.closedByServerWithin(Duration.ofSeconds(5));
			}
			SSLContext untrusting = SSLContext.getInstance("TLS");
			untrusting.init(null, null, null);
			assertThatExceptionOfType(java.io.IOException.class).isThrownBy(() -> handshake(untrusting, TestServers.port(context)));
			assertThat(handshake(trustingContext(), TestServers.port(context))).isNotEmpty();
			Map<String, Object> tls = (Map<String, Object>) TestServers.server(context).get("tls");
			assertThat(tls).containsEntry("handshakeFailures", 2L);
		});
		assertThat(output.getAll()).doesNotContain("\tat ");
	}

	@Test
	void unknownClientBundleFailsStartUpNamingTheProperty() {
		this.runner.withPropertyValues("hyperlane.client.services.payments.ssl-bundle=missing")
			.run((context) -> assertThat(context).getFailure()
				.hasStackTraceContaining("hyperlane.client.services.payments.ssl-bundle: there is no SSL bundle named"
						+ " 'missing'"));
	}

	private static byte[] handshake(SSLContext ssl, int port) throws Exception {
		try (SSLSocket socket = (SSLSocket) ssl.getSocketFactory().createSocket("localhost", port)) {
			socket.setSoTimeout(5000);
			socket.setEnabledProtocols(new String[] { "TLSv1.2" });
			socket.startHandshake();
			return socket.getSession().getId();
		}
	}

	static String[] properties(String... extra) {
		List<String> properties = new ArrayList<>(certificates.bundle("server", certificates.serverKeyStore(),
				"server"));
		properties.addAll(List.of(extra));
		return properties.toArray(new String[0]);
	}

	static SSLContext trustingContext() throws Exception {
		KeyStore trust = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(certificates.trustStore())) {
			trust.load(in, certificates.password().toCharArray());
		}
		TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		factory.init(trust);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, factory.getTrustManagers(), null);
		return context;
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> protocolRoute() {
			return RouterFunctions.route()
				.GET("/protocol", (request) -> {
					HttpServerRequest netty = ServerHttpRequestDecorator
						.getNativeRequest(request.exchange().getRequest());
					return ServerResponse.ok().bodyValue(netty.protocol());
				})
				.build();
		}

	}

}
