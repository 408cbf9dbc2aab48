package dev.hyperlane.boot.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import dev.hyperlane.boot.client.ClientAutoConfiguration;
import dev.hyperlane.boot.client.HyperlaneClientHttpConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;

import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.reactive.ReactiveHttpClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request written on a pooled connection at the moment the server closes it for idleness is answered or retried,
 * never left waiting: the starter's server (its idle timeout on the HTTP/1.1 guard's timer, 40 ms here) and the
 * starter's client (a pool that keeps connections far longer, 10 s) in one application, and requests sent after
 * pauses around the server's idle timeout, so that many of them meet a connection the server is closing.
 */
@Timeout(120)
class ReusedConnectionRaceTests {

	private static final int REQUESTS = 150;

	@Test
	void requestOnAConnectionTheServerClosesForIdlenessIsAnsweredOrRetried() {
		TestServers
			.runner(ClientAutoConfiguration.class, HttpClientAutoConfiguration.class,
					ReactiveHttpClientAutoConfiguration.class, WebClientAutoConfiguration.class)
			.withUserConfiguration(Routes.class)
			.withPropertyValues("hyperlane.server.idle-timeout=40ms", "hyperlane.client.max-idle-time=10s",
					"hyperlane.client.honor-keep-alive-header=false")
			.run((context) -> {
				WebClient client = context.getBean(WebClient.Builder.class)
					.baseUrl("http://127.0.0.1:" + TestServers.port(context))
					.build();
				Random random = new Random(14);
				List<String> unanswered = new ArrayList<>();
				List<String> failed = new ArrayList<>();
				int retriedAndFailed = 0;
				for (int i = 0; i < REQUESTS; i++) {
					Thread.sleep(30 + random.nextInt(20));
					String body = "order-" + i;
					try {
						String answer = client.post()
							.uri("/echo")
							.header("Idempotency-Key", body)
							.bodyValue(body)
							.retrieve()
							.bodyToMono(String.class)
							.timeout(Duration.ofSeconds(5), Mono.error(() -> new IllegalStateException("unanswered")))
							.block();
						assertThat(answer).isEqualTo(body);
					}
					catch (IllegalStateException ex) {
						unanswered.add(body);
					}
					catch (RuntimeException ex) {
						if (retried(ex)) {
							// the retry on a fresh connection met the idle close too (a busy machine can take
							// longer than the idle timeout to write it): answered with an error, as it should be
							retriedAndFailed++;
						}
						else {
							failed.add(body + ": " + ex);
						}
					}
				}
				Map<String, Object> figures = context.getBean(HyperlaneClientHttpConnector.class)
					.clientFor("127.0.0.1")
					.statistics()
					.describe();
				System.out.printf("MEASURED reused-connection race: %d requests, %d unanswered after 5 s, %d failed"
						+ " without a retry %s, %d failed after a retry; client %s%n", REQUESTS, unanswered.size(),
						failed.size(), failed, retriedAndFailed, figures);
				assertThat(unanswered).as("requests left without an answer").isEmpty();
				assertThat(failed).as("replayable requests that failed without a retry").isEmpty();
			});
	}

	/**
	 * Whether a failure is the one retry's: the client attaches the first attempt's failure to it.
	 */
	private static boolean retried(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause.getSuppressed().length > 0) {
				return true;
			}
		}
		return false;
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> echo() {
			return RouterFunctions.route()
				.POST("/echo", (request) -> request.bodyToMono(String.class)
					.flatMap((body) -> ServerResponse.ok().bodyValue(body)))
				.build();
		}

	}

}
