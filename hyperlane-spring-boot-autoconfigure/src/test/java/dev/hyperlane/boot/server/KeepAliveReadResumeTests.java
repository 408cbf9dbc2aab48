package dev.hyperlane.boot.server;

import java.time.Duration;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keep-alive connection goes on reading after Reactor Netty held a request back because the previous exchange
 * was still open, and the held request was answered at once (see {@link RequestBodyGuard}). The requests are
 * pipelined so that the second one is always held back: before the fix the connection read nothing more and the
 * third request went unanswered until the client gave up. On the transports whose writes complete within the call
 * (epoll, NIO); on io_uring a write completes a loop turn later, which hides the fault.
 */
@Timeout(60)
class KeepAliveReadResumeTests {

	@ParameterizedTest
	@ValueSource(strings = { "epoll", "nio", "io_uring" })
	void nextRequestIsReadAfterAHeldBackRequestWasAnsweredAtOnce(String transport) {
		TestServers.runner()
			.withPropertyValues("hyperlane.transport.type=" + transport)
			.withUserConfiguration(Routes.class)
			.run((context) -> {
				try (RawHttpConnection connection = new RawHttpConnection(TestServers.port(context))) {
					for (int round = 0; round < 3; round++) {
						connection.write("GET /later HTTP/1.1\r\nHost: x\r\n\r\nGET /now HTTP/1.1\r\nHost: x\r\n\r\n");
						assertThat(connection.readResponse().text()).isEqualTo("later");
						assertThat(connection.readResponse().text()).isEqualTo("now");
						// unanswered before the fix (RawHttpConnection's read timeout of 5 s)
						assertThat(connection.get("/now").text()).as("round %d on %s", round, transport)
							.isEqualTo("now");
					}
				}
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> routes() {
			return RouterFunctions.route()
				// answered from another thread, so that the exchange is still open when the next request is read
				.GET("/later",
						(request) -> Mono.delay(Duration.ofMillis(50)).then(ServerResponse.ok().bodyValue("later")))
				// answered within the request's dispatch, on the event loop
				.GET("/now", (request) -> ServerResponse.ok().bodyValue("now"))
				.build();
		}

	}

}
