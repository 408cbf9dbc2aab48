package dev.hyperlane.boot.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input over real sockets, under Netty's paranoid leak detection ({@link NettyLeakDetection}): request bodies
 * above the in-memory limit get 413 with the precedence Hyperlane property, then Spring Boot property, then default;
 * malformed request lines and headers get 400, are counted and not logged (Reactor Netty would log a WARN line for
 * each); a malformed chunked body gets 400 and a client that closes mid-body is counted, neither logged as a 500.
 * After each bad request the server still answers a valid one, and nothing is logged with a stack trace. Oversized headers (431), over-long request lines (414), trickled headers
 * (408) and idle connections are covered by {@link ServerTuningIntegrationTests}, which runs under the same leak
 * detection.
 */
@Timeout(60)
@ExtendWith({ NettyLeakDetection.class, OutputCaptureExtension.class })
class BadRequestTests {

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner()
		.withUserConfiguration(Endpoints.class);

	@AfterEach
	void nothingLoggedWithAStackTrace(CapturedOutput output) {
		assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("Caused by");
	}

	// 413

	@Test
	void bodyAboveTheDefaultOneMegabyteGets413AndBelowItIsAccepted() {
		this.runner.run((context) -> {
			assertThat(post(context, 1536 * 1024).status()).isEqualTo(413);
			// above Spring's own 256 KB default, below Hyperlane's
			RawHttpConnection.Response accepted = post(context, 600 * 1024);
			assertThat(accepted.status()).isEqualTo(200);
			assertThat(accepted.text()).isEqualTo("received " + 600 * 1024);
			assertThat(TestServers.setting(context, "hyperlane.server.max-in-memory-size")).containsEntry("value", "1048576B")
				.containsEntry("source", "default");
			assertValidRequestAnswered(context);
		});
	}

	@Test
	void springBootPropertyWinsOverTheDefault() {
		this.runner.withPropertyValues("spring.http.codecs.max-in-memory-size=64KB").run((context) -> {
			assertThat(post(context, 100 * 1024).status()).isEqualTo(413);
			assertThat(post(context, 32 * 1024).status()).isEqualTo(200);
			assertThat(TestServers.setting(context, "hyperlane.server.max-in-memory-size")).containsEntry("value", "65536B")
				.containsEntry("source", "boot-property");
		});
	}

	@Test
	void hyperlanePropertyWinsOverSpringBootProperty() {
		this.runner
			.withPropertyValues("spring.http.codecs.max-in-memory-size=4MB", "hyperlane.server.max-in-memory-size=64KB")
			.run((context) -> {
				assertThat(post(context, 100 * 1024).status()).isEqualTo(413);
				assertThat(post(context, 32 * 1024).status()).isEqualTo(200);
				assertThat(TestServers.setting(context, "hyperlane.server.max-in-memory-size")).containsEntry("value", "65536B")
					.containsEntry("source", "property");
			});
	}

	// 400

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GARBAGE\r\n\r\n", "GET /ok HTTX/1.1\r\nHost: x\r\n\r\n",
			"GET /ok HTTP/1.1 trailing\r\nHost: x\r\n\r\n", "G@T /ok HTTP/1.1\r\nHost: x\r\n\r\n",
			"GET /ok HTTP/1.1\r\nHost: x\r\nNoColonHere\r\n\r\n", "GET /ok HTTP/1.1\r\nHost: x\r\nBad Name: v\r\n\r\n",
			"GET /ok HTTP/1.1\r\nHost: x\r\nX-Value: a\u0000b\r\n\r\n",
			"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
			"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab" })
	@SuppressWarnings("unchecked")
	void malformedRequestGets400AndIsCountedNotLogged(String request, CapturedOutput output) {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				connection.write(request.getBytes(StandardCharsets.ISO_8859_1));
				RawHttpConnection.Response response = connection.readResponse();
				assertThat(response.status()).isEqualTo(400);
				assertThat(response.header("connection")).isEqualTo("close");
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
			}
			assertValidRequestAnswered(context);
			assertThat((Map<String, Object>) context.getBean(HyperlaneEndpoint.class)
				.section("server")
				.get("statistics")).containsEntry("malformedRequests", 1L);
		});
		assertThat(output.getAll()).doesNotContain("Decoding failed");
	}

	@ParameterizedTest(name = "problem details {0}")
	@ValueSource(booleans = { false, true })
	@SuppressWarnings("unchecked")
	void malformedChunkedBodyGets400AndTheApplicationsErrorIsDropped(boolean problemDetails, CapturedOutput output) {
		this.runner.withPropertyValues("spring.webflux.problemdetails.enabled=" + problemDetails).run((context) -> {
			int before = output.getAll().length();
			try (RawHttpConnection connection = connect(context)) {
				connection.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
						+ "Transfer-Encoding: chunked\r\n\r\nzz\r\n");
				assertThat(connection.readResponse().status()).isEqualTo(400);
				assertThat(connection.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
			}
			assertValidRequestAnswered(context);
			Map<String, Object> server = context.getBean(HyperlaneEndpoint.class).section("server");
			assertThat(server).isNotNull();
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					(Map<String, Object>) context.getBean(HyperlaneEndpoint.class).section("server").get("statistics"))
				.containsEntry("answeredByServer", 1L));
			// give a late log line the time to show up, then count what the bad request wrote above DEBUG
			Thread.sleep(300);
			List<String> logged = TestServers.linesAboveDebug(output.getAll().substring(before));
			System.out.println("MEASURED malformed chunked body on " + TestServers.transport(context)
					+ ", problem details " + problemDetails + ": lines logged above DEBUG " + logged.size());
			assertThat(logged).isEmpty();
		});
	}

	@Test
	@SuppressWarnings("unchecked")
	void clientClosingBeforeItsBodyIsCompleteIsCountedNotLogged() {
		this.runner.run((context) -> {
			try (RawHttpConnection connection = connect(context)) {
				connection.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
						+ "Content-Length: 100\r\n\r\nonly ten b");
			}
			Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(
					(Map<String, Object>) context.getBean(HyperlaneEndpoint.class).section("server").get("statistics"))
				.containsEntry("closedByClient", 1L));
			assertValidRequestAnswered(context);
		});
	}

	// helpers


	private static RawHttpConnection.Response post(AssertableReactiveWebApplicationContext context, int size)
			throws IOException {
		byte[] body = new byte[size];
		Arrays.fill(body, (byte) 'b');
		try (RawHttpConnection connection = connect(context)) {
			return connection.post("/echo", "text/plain", body);
		}
	}

	private static void assertValidRequestAnswered(AssertableReactiveWebApplicationContext context)
			throws IOException {
		try (RawHttpConnection connection = connect(context)) {
			assertThat(connection.get("/ok").status()).isEqualTo(200);
		}
	}

	static RawHttpConnection connect(ApplicationContext context) throws IOException {
		return new RawHttpConnection(TestServers.port(context));
	}

	@Configuration(proxyBeanMethods = false)
	@Import(EchoController.class)
	static class Endpoints {

	}

	@RestController
	static class EchoController {

		@GetMapping("/ok")
		String ok() {
			return "ok";
		}

		@PostMapping(path = "/echo", consumes = "text/plain")
		String echo(@RequestBody String body) {
			return "received " + body.length();
		}

	}

}
