package dev.hyperlane.boot.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The guards against hostile clients on every protocol, with HTTP/2 on, over real sockets: a client that trickles
 * its request headers is cut off after the request-header timeout on HTTP/1.1 (cleartext and TLS, 408) and on HTTP/2
 * (h2c with prior knowledge: a HEADERS frame; h2c after an upgrade: the preface; h2 over TLS: a frame header), with
 * nothing logged above DEBUG; a malformed HTTP/1.1 request on an h2c server is answered 400 quietly, a malformed
 * HTTP/2 request is refused (RST_STREAM or GOAWAY) quietly; HTTP/2 takes
 * the same header size as HTTP/1.1 (16 KB, not Netty's 8 KB); the endpoint shows the guards per protocol and the
 * connections they guarded.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class ProtocolGuardsTests {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] EMPTY_SETTINGS = { 0, 0, 0, 4, 0, 0, 0, 0, 0 };

	/** A HEADERS frame header: 100 bytes of payload, END_STREAM and END_HEADERS, stream 1. */
	private static final byte[] HEADERS_FRAME_HEADER = { 0, 0, 100, 1, 5, 0, 0, 0, 1 };

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final int RST_STREAM = 3;

	private static final int GOAWAY = 7;

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner()
		.withUserConfiguration(Routes.class)
		.withPropertyValues("hyperlane.server.http2.enabled=true",
				"hyperlane.server.request-header-timeout=" + TIMEOUT.toMillis() + "ms");

	/** How a slow client reaches the server, and what it trickles. */
	enum SlowClient {

		/** HTTP/1.1 on the cleartext port that also speaks h2c: header lines. */
		HTTP_1_1_CLEARTEXT(false, "http/1.1"),
		/** HTTP/1.1 over TLS (ALPN http/1.1): header lines. */
		HTTP_1_1_TLS(true, "http/1.1"),
		/** h2c with prior knowledge: the payload of a HEADERS frame. */
		H2C_PRIOR_KNOWLEDGE(false, "h2c"),
		/** h2c after an HTTP/1.1 upgrade: the connection preface. */
		H2C_UPGRADE(false, "h2c"),
		/** h2 over TLS (ALPN h2): a frame header. */
		H2_TLS(true, "h2");

		final boolean tls;

		final String protocol;

		SlowClient(boolean tls, String protocol) {
			this.tls = tls;
			this.protocol = protocol;
		}

	}

	@ParameterizedTest(name = "{0}")
	@EnumSource(SlowClient.class)
	@SuppressWarnings("unchecked")
	void clientTricklingItsHeadersIsCutOffAfterTheTimeout(SlowClient client, CapturedOutput output) {
		int before = output.getAll().length();
		runner(client.tls).run((context) -> {
			long start = System.nanoTime();
			try (Socket socket = open(context, client)) {
				OutputStream out = socket.getOutputStream();
				InputStream in = socket.getInputStream();
				byte[] trickle = start(client, out, in);
				boolean closed = false;
				for (int i = 0; i < trickle.length && !closed
						&& elapsed(start).compareTo(Duration.ofSeconds(4)) < 0; i++) {
					Thread.sleep(250);
					try {
						out.write(trickle[i]);
						out.flush();
					}
					catch (IOException ex) {
						closed = true;
					}
				}
				String answer = readUntilClosed(in, Duration.ofSeconds(4));
				if (client.protocol.equals("http/1.1")) {
					assertThat(answer).startsWith("HTTP/1.1 408");
				}
			}
			Duration cutOff = elapsed(start);
			assertThat(cutOff).isLessThan(TIMEOUT.multipliedBy(4));
			System.out.println("MEASURED slow headers on " + TestServers.transport(context) + ", " + client + ": cut off"
					+ " after " + cutOff.toMillis() + " ms");
			Map<String, Object> server = TestServers.server(context);
			assertThat((Map<String, Object>) server.get("statistics")).containsEntry("requestHeaderTimeouts", 1L);
			Map<String, Object> guards = (Map<String, Object>) ((Map<String, Object>) server.get("protocolGuards"))
				.get(client.protocol);
			assertThat(guards).containsEntry("guardedConnections", 1L);
			assertThat((String) guards.get("requestHeaderTimeout")).startsWith("1s ");
		});
		assertThat(TestServers.linesAboveDebug(output.getAll().substring(before))).isEmpty();
	}

	/**
	 * HTTP/1.1 on a server that also speaks HTTP/2: Reactor Netty adds the HTTP/1.1 codec under another name (inside
	 * the h2c upgrade handler, or after TLS's protocol negotiation), so the request-body guard is installed when the
	 * codec is found; a body that stops gets 408 and a quiet close after the read timeout, as on an HTTP/1.1-only
	 * server.
	 */
	@ParameterizedTest(name = "{0}")
	@EnumSource(value = SlowClient.class, names = { "HTTP_1_1_CLEARTEXT", "HTTP_1_1_TLS" })
	@SuppressWarnings("unchecked")
	void http11BodyThatStopsGets408OnAServerThatAlsoSpeaksHttp2(SlowClient client, CapturedOutput output) {
		int before = output.getAll().length();
		runner(client.tls).withPropertyValues("hyperlane.server.read-timeout=1s").run((context) -> {
			long start = System.nanoTime();
			try (Socket socket = open(context, client)) {
				socket.getOutputStream()
					.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n"
							+ "only ten b").getBytes(StandardCharsets.US_ASCII));
				socket.getOutputStream().flush();
				assertThat(readUntilClosed(socket.getInputStream(), Duration.ofSeconds(4))).startsWith("HTTP/1.1 408");
			}
			Duration cutOff = elapsed(start);
			assertThat(cutOff).isLessThan(Duration.ofSeconds(4));
			System.out.println("MEASURED stalled HTTP/1.1 body on an HTTP/2 server, " + TestServers.transport(context)
					+ ", " + client + ": 408 after " + cutOff.toMillis() + " ms");
			assertThat((Map<String, Object>) TestServers.server(context).get("statistics"))
				.containsEntry("requestBodyTimeouts", 1L);
		});
		assertThat(TestServers.linesAboveDebug(output.getAll().substring(before))).isEmpty();
	}

	@Test
	@SuppressWarnings("unchecked")
	void malformedHttp11RequestOnAnH2cServerGets400Quietly(CapturedOutput output) {
		this.runner.run((context) -> {
			int before = output.getAll().length();
			try (RawHttpConnection connection = new RawHttpConnection(TestServers.port(context))) {
				connection.write("GET /ok HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n");
				assertThat(connection.readResponse().status()).isEqualTo(400);
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
			}
			assertThat((Map<String, Object>) TestServers.server(context).get("statistics")).containsEntry("malformedRequests", 1L);
			assertThat(TestServers.linesAboveDebug(output.getAll().substring(before))).isEmpty();
		});
	}

	@Test
	void malformedHttp2RequestIsRefusedQuietly(CapturedOutput output) {
		this.runner.run((context) -> {
			int before = output.getAll().length();
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", TestServers.port(context)), 2000);
				socket.setSoTimeout(5000);
				OutputStream out = socket.getOutputStream();
				out.write(PREFACE);
				out.write(EMPTY_SETTINGS);
				// HEADERS on stream 1: GET, http, /, authority x, then "X-Bad: v" (HTTP/2 header names are lowercase)
				byte[] block = { (byte) 0x82, (byte) 0x86, (byte) 0x84, 0x41, 1, 'x', 0, 5, 'X', '-', 'B', 'a', 'd', 1,
						'v' };
				out.write(new byte[] { 0, 0, (byte) block.length, 1, 5, 0, 0, 0, 1 });
				out.write(block);
				out.flush();
				assertThat(frameTypesUntilRefused(socket.getInputStream())).containsAnyOf(RST_STREAM, GOAWAY);
			}
			assertThat(TestServers.linesAboveDebug(output.getAll().substring(before))).isEmpty();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void http2TakesTheHeaderSizeHttp11Takes() {
		this.runner.run((context) -> {
			HttpClient h2c = HttpClient.create()
				.protocol(HttpProtocol.H2C)
				.baseUrl("http://127.0.0.1:" + TestServers.port(context))
				.responseTimeout(Duration.ofSeconds(10));
			// above HTTP/2's usual 8 KB, below the 16 KB HTTP/1.1 takes (a client sends no more than the server's
			// SETTINGS_MAX_HEADER_LIST_SIZE, which the endpoint shows)
			assertThat(status(h2c, "x".repeat(12 * 1024))).isEqualTo(200);
			try (RawHttpConnection connection = new RawHttpConnection(TestServers.port(context))) {
				assertThat(connection.get("/ok", "X-Big: " + "x".repeat(12 * 1024)).status()).isEqualTo(200);
			}
			Map<String, Object> guards = (Map<String, Object>) TestServers.server(context).get("protocolGuards");
			assertThat(guards).containsOnlyKeys("http/1.1", "h2c");
			assertThat((Map<String, Object>) guards.get("h2c")).containsEntry("maxHeaderSize",
					"16384B (SETTINGS_MAX_HEADER_LIST_SIZE, then 431)");
			assertThat((Map<String, Object>) guards.get("http/1.1")).containsEntry("maxHeaderSize",
					"16384B (decoder limit, then 431)");
		});
	}

	private static int status(HttpClient client, String header) {
		return client.headers((headers) -> headers.set("X-Big", header))
			.get()
			.uri("/ok")
			.responseSingle((response, body) -> body.then(Mono.just(response.status().code())))
			.block(Duration.ofSeconds(10));
	}

	private ReactiveWebApplicationContextRunner runner(boolean tls) {
		return tls ? this.runner.withPropertyValues(TlsTests.properties("server.ssl.bundle=server")) : this.runner;
	}

	private static Socket open(ApplicationContext context, SlowClient client) throws Exception {
		Socket socket;
		if (client.tls) {
			SSLSocket tls = (SSLSocket) TlsTests.trustingContext().getSocketFactory().createSocket();
			SSLParameters parameters = tls.getSSLParameters();
			parameters.setApplicationProtocols(
					new String[] { (client == SlowClient.H2_TLS) ? "h2" : "http/1.1" });
			tls.setSSLParameters(parameters);
			socket = tls;
		}
		else {
			socket = new Socket();
		}
		socket.connect(new InetSocketAddress("127.0.0.1", TestServers.port(context)), 2000);
		socket.setSoTimeout(5000);
		socket.setTcpNoDelay(true);
		if (socket instanceof SSLSocket tls) {
			tls.startHandshake();
			assertThat(tls.getApplicationProtocol()).isEqualTo((client == SlowClient.H2_TLS) ? "h2" : "http/1.1");
		}
		return socket;
	}

	/**
	 * Send what the slow client sends at once, and return what it then trickles.
	 */
	private static byte[] start(SlowClient client, OutputStream out, InputStream in) throws IOException {
		switch (client) {
			case HTTP_1_1_CLEARTEXT, HTTP_1_1_TLS -> {
				out.write("GET /ok HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
				out.flush();
				return "X-Slow: abcdefghijklmnopqrstuvwxyz".getBytes(StandardCharsets.US_ASCII);
			}
			case H2C_PRIOR_KNOWLEDGE -> {
				out.write(PREFACE);
				out.write(EMPTY_SETTINGS);
				out.write(HEADERS_FRAME_HEADER);
				out.flush();
				return new byte[100];
			}
			case H2C_UPGRADE -> {
				out.write(("GET /ok HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
						+ "HTTP2-Settings: AAMAAABk\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
				out.flush();
				String switching = readHead(in);
				assertThat(switching).startsWith("HTTP/1.1 101");
				return PREFACE;
			}
			default -> {
				out.write(PREFACE);
				out.write(EMPTY_SETTINGS);
				out.flush();
				return HEADERS_FRAME_HEADER;
			}
		}
	}

	private static List<Integer> frameTypesUntilRefused(InputStream in) throws IOException {
		List<Integer> types = new ArrayList<>();
		byte[] header = new byte[9];
		while (!types.contains(RST_STREAM) && !types.contains(GOAWAY)) {
			if (in.readNBytes(header, 0, 9) < 9) {
				break;
			}
			int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
			types.add(header[3] & 0xff);
			in.readNBytes(length);
		}
		return types;
	}

	private static String readHead(InputStream in) throws IOException {
		StringBuilder head = new StringBuilder();
		while (!head.toString().endsWith("\r\n\r\n")) {
			int read = in.read();
			if (read == -1) {
				break;
			}
			head.append((char) read);
		}
		return head.toString();
	}

	private static String readUntilClosed(InputStream in, Duration within) throws IOException {
		StringBuilder read = new StringBuilder();
		long start = System.nanoTime();
		byte[] buffer = new byte[4096];
		while (elapsed(start).compareTo(within) < 0) {
			try {
				int count = in.read(buffer);
				if (count == -1) {
					return read.toString();
				}
				read.append(new String(buffer, 0, count, StandardCharsets.ISO_8859_1));
			}
			catch (SocketTimeoutException ex) {
				break;
			}
			catch (IOException ex) {
				// reset by the server: closed
				return read.toString();
			}
		}
		throw new AssertionError("the server kept the connection open for " + within);
	}
	private static Duration elapsed(long start) {
		return Duration.ofNanos(System.nanoTime() - start);
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> okRoute() {
			return RouterFunctions.route()
				.GET("/ok", (request) -> ServerResponse.ok().bodyValue("ok"))
				.POST("/echo", (request) -> request.bodyToMono(String.class)
					.flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.build();
		}

	}

}
