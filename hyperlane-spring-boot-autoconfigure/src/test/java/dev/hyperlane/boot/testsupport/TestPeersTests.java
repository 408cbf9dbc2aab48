package dev.hyperlane.boot.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Proves that the test peers behave as their documentation says, over real sockets: {@link NodePeer},
 * {@link NginxPeer} and {@link TcpProxy}. Every read has a timeout and every test a time limit.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class TestPeersTests {

	private static NodePeer node;

	@BeforeAll
	static void startNode() {
		node = NodePeer.start();
	}

	@AfterAll
	static void stopNode() {
		node.close();
	}

	@Test
	void nodePeerAnswersHelloAndEchoAndCountsEveryRequestPerPath() throws IOException {
		int hellos = node.requestCount("/hello");
		int echoes = node.requestCount("/echo");
		try (RawConnection connection = new RawConnection(node.port())) {
			Response hello = connection.get("/hello");
			assertThat(hello.status()).isEqualTo(200);
			assertThat(hello.header("Content-Type")).isEqualTo("application/json");
			assertThat(hello.body()).isEqualTo("{\"hello\":\"world\"}");
			Response echo = connection.post("/echo", "text/plain", "ping \u00e9");
			assertThat(echo.status()).isEqualTo(200);
			assertThat(echo.header("Content-Type")).isEqualTo("text/plain");
			assertThat(echo.body()).isEqualTo("ping \u00e9");
			assertThat(connection.get("/missing").status()).isEqualTo(404);
		}
		assertThat(node.requestCount("/hello")).isEqualTo(hellos + 1);
		assertThat(node.requestCount("/echo")).isEqualTo(echoes + 1);
		assertThat(node.requestCount("/never-requested")).isZero();
	}

	@Test
	void nodePeerKeepsNodesDefaultKeepAliveTimeoutOfFiveSeconds() throws IOException {
		assertThat(node.keepAliveTimeout()).isEqualTo(Duration.ofSeconds(5));
		try (RawConnection connection = new RawConnection(node.port())) {
			Response first = connection.get("/hello");
			assertThat(first.header("Connection")).isEqualTo("keep-alive");
			assertThat(first.header("Keep-Alive")).isEqualTo("timeout=5");
			assertThat(connection.get("/hello").status()).isEqualTo(200);
		}
	}

	@Test
	void nodePeerSlowRouteAnswersAfterTheRequestedDelay() throws IOException {
		try (RawConnection connection = new RawConnection(node.port())) {
			long start = System.nanoTime();
			Response slow = connection.get("/slow?ms=300");
			assertThat(elapsedMillis(start)).isGreaterThanOrEqualTo(290);
			assertThat(slow.status()).isEqualTo(200);
			assertThat(slow.body()).isEqualTo("slept 300");
		}
	}

	@Test
	void nodePeerWithShorterKeepAliveTimeoutClosesIdleConnectionAndStopsOnClose() throws IOException {
		int port;
		try (NodePeer shortLived = NodePeer.start(Duration.ofSeconds(1))) {
			port = shortLived.port();
			try (RawConnection connection = new RawConnection(port)) {
				assertThat(connection.get("/hello").header("Keep-Alive")).isEqualTo("timeout=1");
				long idleSince = System.nanoTime();
				assertThat(connection.readByte(Duration.ofSeconds(4))).isEqualTo(-1);
				// Node 20 closes keepAliveTimeout plus a 1 s buffer after the response, never before the advertised
				// timeout.
				assertThat(elapsedMillis(idleSince)).isBetween(950L, 3000L);
			}
			assertThat(shortLived.isRunning()).isTrue();
		}
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new RawConnection(port).close());
	}

	@Test
	void nginxPeerServesHelloClosesIdleConnectionsAfterKeepaliveTimeoutAndStopsAllItsProcesses() throws Exception {
		NginxPeer nginx = NginxPeer.start(Duration.ofSeconds(2));
		List<ProcessHandle> processes = new ArrayList<>();
		try {
			processes.add(nginx.masterProcess());
			processes.addAll(nginx.masterProcess().children().toList());
			assertThat(processes).hasSizeGreaterThanOrEqualTo(2);
			try (RawConnection connection = new RawConnection(nginx.port())) {
				Response first = connection.get("/hello");
				assertThat(first.status()).isEqualTo(200);
				assertThat(first.header("Content-Type")).isEqualTo("application/json");
				assertThat(first.header("Connection")).isEqualTo("keep-alive");
				assertThat(first.header("Keep-Alive")).isNull();
				assertThat(first.body()).isEqualTo(NginxPeer.HELLO_BODY);
				assertThat(connection.get("/hello").body()).isEqualTo(NginxPeer.HELLO_BODY);
				long idleSince = System.nanoTime();
				assertThat(connection.readByte(Duration.ofSeconds(5))).isEqualTo(-1);
				assertThat(elapsedMillis(idleSince)).isBetween(1900L, 3500L);
			}
			assertThat(nginx.prefix().resolve("temp/client_body")).isDirectory();
			assertThat(nginx.prefix().resolve("temp/proxy")).isDirectory();
			assertThat(nginx.prefix().resolve("logs/nginx.pid")).isRegularFile();
			assertThat(Files.readAllLines(nginx.accessLog())).hasSize(2).allMatch((line) -> line.contains("GET /hello"));
		}
		finally {
			nginx.close();
		}
		assertThat(processes).noneMatch(ProcessHandle::isAlive);
		assertThat(nginx.prefix()).doesNotExist();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new RawConnection(nginx.port()).close());
	}

	@Test
	void tcpProxyForgetsIdleFlowWithoutFinOrRst() throws IOException, InterruptedException {
		try (TcpProxy proxy = TcpProxy.forgettingIdleFlows(node.port(), Duration.ofSeconds(1));
				RawConnection connection = new RawConnection(proxy.port())) {
			int hellos = node.requestCount("/hello");
			assertThat(connection.get("/hello").status()).isEqualTo(200);
			Thread.sleep(1500);
			assertThat(proxy.flowsForgotten()).isEqualTo(1);
			connection.send(request("GET", "/hello", null, null));
			long sent = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> connection.readByte(Duration.ofSeconds(2)));
			assertThat(elapsedMillis(sent)).isGreaterThanOrEqualTo(1900);
			assertThat(node.requestCount("/hello")).isEqualTo(hellos + 1);
			assertThat(proxy.connectionsAccepted()).isEqualTo(1);
			assertThat(proxy.flowsForgotten()).isEqualTo(1);
		}
	}

	@Test
	void tcpProxyClosesTheClientOfAForgottenFlowOnlyOnceTheTargetCloses() throws IOException {
		try (NodePeer shortLived = NodePeer.start(Duration.ofSeconds(1));
				TcpProxy proxy = TcpProxy.forgettingIdleFlows(shortLived.port(), Duration.ofMillis(300));
				RawConnection connection = new RawConnection(proxy.port())) {
			assertThat(connection.get("/echo-me-not").status()).isEqualTo(404);
			long idleSince = System.nanoTime();
			assertThatExceptionOfType(SocketTimeoutException.class)
				.isThrownBy(() -> connection.readByte(Duration.ofMillis(600)));
			assertThat(proxy.flowsForgotten()).isEqualTo(1);
			connection.send(request("POST", "/echo", "text/plain", "lost"));
			// Node closes about 2 s after its response; the proxy then closes the client socket.
			assertThat(connection.readByte(Duration.ofSeconds(4))).isEqualTo(-1);
			assertThat(elapsedMillis(idleSince)).isBetween(950L, 3500L);
			assertThat(shortLived.requestCount("/echo")).isZero();
		}
	}

	@Test
	void tcpProxyCutClosesEveryConnectionAndRefusesNewOnesUntilRestoredOnTheSamePort() throws IOException {
		try (TcpProxy proxy = TcpProxy.start("127.0.0.1", node.port())) {
			int port = proxy.port();
			RawConnection connection = new RawConnection(port);
			try {
				assertThat(connection.get("/hello").status()).isEqualTo(200);
				proxy.cut();
				assertThat(proxy.isListening()).isFalse();
				assertThat(connection.closedWithin(Duration.ofSeconds(2))).isTrue();
				// refused, unless the shared machine handed the free port to another program meanwhile: either way
				// the proxy accepts nothing while cut
				try (RawConnection refused = new RawConnection(port)) {
					// another listener took the port
				}
				catch (IOException ex) {
					// refused
				}
				assertThat(proxy.connectionsAccepted()).isEqualTo(1);
			}
			finally {
				connection.close();
			}
			proxy.restore();
			assertThat(proxy.port()).isEqualTo(port);
			try (RawConnection again = new RawConnection(port)) {
				assertThat(again.get("/hello").status()).isEqualTo(200);
			}
			assertThat(proxy.connectionsAccepted()).isEqualTo(2);
			assertThat(proxy.flowsForgotten()).isZero();
		}
	}

	@Test
	void tcpProxyRelaysManyConcurrentConnectionsAndClosesThemWhenClosed() throws Exception {
		int connections = 64;
		TcpProxy proxy = TcpProxy.forgettingIdleFlows(node.port(), Duration.ofSeconds(10));
		ExecutorService executor = Executors.newFixedThreadPool(connections);
		List<RawConnection> open = new ArrayList<>();
		try {
			for (int i = 0; i < connections; i++) {
				open.add(new RawConnection(proxy.port()));
			}
			List<Future<String>> echoes = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				RawConnection connection = open.get(i);
				String body = "body-" + i;
				Callable<String> exchange = () -> {
					connection.get("/slow?ms=200");
					return connection.post("/echo", "text/plain", body).body();
				};
				echoes.add(executor.submit(exchange));
			}
			for (int i = 0; i < connections; i++) {
				assertThat(echoes.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("body-" + i);
			}
			assertThat(proxy.connectionsAccepted()).isEqualTo(connections);
			assertThat(proxy.flowsForgotten()).isZero();
			proxy.close();
			for (RawConnection connection : open) {
				assertThat(connection.closedWithin(Duration.ofSeconds(2))).isTrue();
			}
		}
		finally {
			executor.shutdownNow();
			proxy.close();
			for (RawConnection connection : open) {
				connection.close();
			}
		}
	}

	private static long elapsedMillis(long startNanos) {
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
	}

	private static String request(String method, String target, String contentType, String body) {
		StringBuilder request = new StringBuilder(method).append(' ')
			.append(target)
			.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
		if (body != null) {
			byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
			request.append("Content-Type: ").append(contentType).append("\r\n");
			request.append("Content-Length: ").append(bytes.length).append("\r\n");
		}
		request.append("\r\n");
		if (body != null) {
			request.append(body);
		}
		return request.toString();
	}

	/**
	 * A response as received: status, headers (names in lower case) and a body framed by {@code Content-Length}.
	 */
	private record Response(int status, Map<String, String> headers, String body) {

		String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

	}

	/**
	 * A bare HTTP/1.1 connection whose every read is bounded by a socket timeout.
	 */
	private static final class RawConnection implements AutoCloseable {

		private static final int READ_TIMEOUT_MILLIS = 5000;

		private final Socket socket;

		private final InputStream in;

		private final OutputStream out;

		RawConnection(int port) throws IOException {
			this.socket = new Socket();
			try {
				this.socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
			}
			catch (IOException ex) {
				this.socket.close();
				throw ex;
			}
			this.socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			this.socket.setTcpNoDelay(true);
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.out = this.socket.getOutputStream();
		}

		Response get(String target) throws IOException {
			send(request("GET", target, null, null));
			return read();
		}

		Response post(String target, String contentType, String body) throws IOException {
			send(request("POST", target, contentType, body));
			return read();
		}

		void send(String request) throws IOException {
			this.out.write(request.getBytes(StandardCharsets.UTF_8));
			this.out.flush();
		}

		/**
		 * Read one byte, waiting at most the given time.
		 * @return the byte, or {@code -1} when the peer closed the connection (FIN)
		 * @throws SocketTimeoutException when nothing arrived in time
		 */
		int readByte(Duration timeout) throws IOException {
			this.socket.setSoTimeout((int) timeout.toMillis());
			try {
				return this.in.read();
			}
			finally {
				this.socket.setSoTimeout(READ_TIMEOUT_MILLIS);
			}
		}

		boolean closedWithin(Duration timeout) throws IOException {
			try {
				return readByte(timeout) == -1;
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (SocketException ex) {
				return true;
			}
		}

		Response read() throws IOException {
			ByteArrayOutputStream head = new ByteArrayOutputStream();
			int matched = 0;
			while (matched < 4) {
				int b = this.in.read();
				if (b == -1) {
					throw new EOFException("connection closed before a complete response head");
				}
				head.write(b);
				matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : ((b == '\r') ? 1 : 0);
			}
			String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
			int status = Integer.parseInt(lines[0].split(" ", 3)[1]);
			Map<String, String> headers = new LinkedHashMap<>();
			for (int i = 1; i < lines.length; i++) {
				int colon = lines[i].indexOf(':');
				headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
			int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
			byte[] body = this.in.readNBytes(length);
			if (body.length != length) {
				throw new EOFException("expected " + length + " body bytes, got " + body.length);
			}
			return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
