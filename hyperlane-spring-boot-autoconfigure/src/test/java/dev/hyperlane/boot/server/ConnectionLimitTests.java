package dev.hyperlane.boot.server;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hyperlane.server.max-connections} on a real server, on io_uring, epoll and NIO: with the limit's connections
 * open, each further one is closed as it is accepted without an answer, counted ({@code connectionsRefused}) and
 * logged at DEBUG only (issue 14's soak: Reactor Netty's own limit logged a WARN with a 20-line stack trace for each,
 * 39 of them for 550 attackers); once the open ones close, a new connection is served.
 */
@Timeout(60)
@ExtendWith(OutputCaptureExtension.class)
class ConnectionLimitTests {

	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.hyperlane.boot.server.TestServers#transports")
	void connectionsAboveTheLimitAreClosedQuietlyAndCounted(String transport, CapturedOutput output) {
		TestServers.runner()
			.withUserConfiguration(BadRequestTests.Endpoints.class)
			.withPropertyValues("hyperlane.transport.type=" + transport, "hyperlane.server.max-connections=3")
			.run((context) -> {
				int port = TestServers.port(context);
				List<RawHttpConnection> open = new ArrayList<>();
				try {
					for (int i = 0; i < 3; i++) {
						RawHttpConnection connection = new RawHttpConnection(port);
						open.add(connection);
						assertThat(connection.get("/ok").status()).isEqualTo(200);
					}
					for (int i = 0; i < 5; i++) {
						try (RawHttpConnection refused = new RawHttpConnection(port)) {
							try {
								refused.write("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
							}
							catch (IOException ex) {
								// closed by the server before the request went out
							}
							assertThat(refused.closedByServerWithin(Duration.ofSeconds(5))).isTrue();
						}
					}
					assertThat(statistics(context)).containsEntry("connectionsRefused", 5L)
						.containsEntry("openConnections", 3L);
				}
				finally {
					for (RawHttpConnection connection : open) {
						connection.close();
					}
				}
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(statistics(context)).containsEntry("openConnections", 0L));
				try (RawHttpConnection connection = new RawHttpConnection(port)) {
					assertThat(connection.get("/ok").status()).isEqualTo(200);
				}
			});
		assertThat(TestServers.linesAboveDebug(output.getAll())).isEmpty();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> statistics(ApplicationContext context) {
		return (Map<String, Object>) TestServers.server(context).get("statistics");
	}

}
