package dev.hyperlane.boot.client;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.ConnectionProvider;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for parsing the {@code Keep-Alive} response header, and for recording it per connection from a real
 * Reactor Netty server's responses.
 */
class KeepAliveEvictionTests {

	@Test
	void parsesTimeoutParameter() {
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=5")).isEqualTo(5000L);
		assertThat(KeepAliveEviction.parseTimeoutMillis("max=1000, timeout=75")).isEqualTo(75000L);
		assertThat(KeepAliveEviction.parseTimeoutMillis(" Timeout = 2 ")).isEqualTo(2000L);
	}

	@Test
	void ignoresMissingOrMalformedTimeouts() {
		assertThat(KeepAliveEviction.parseTimeoutMillis(null)).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("max=5")).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=soon")).isNull();
		assertThat(KeepAliveEviction.parseTimeoutMillis("timeout=-1")).isNull();
	}

	@Test
	void recordsTheAdvertisedTimeoutOfEachResponseOnItsConnectionAsItChanges() {
		AtomicInteger calls = new AtomicInteger();
		List<String> headers = List.of("timeout=5", "timeout=5", "timeout=7, max=100", "max=100", "timeout=5");
		DisposableServer server = HttpServer.create().host("127.0.0.1").port(0).handle((request, response) -> response
			.header("Keep-Alive", headers.get(calls.getAndIncrement() % headers.size())).sendString(
					Mono.just("ok"))).bindNow();
		ConnectionProvider provider = ConnectionProvider.create("keep-alive-test", 1);
		try {
			List<Object> recorded = new CopyOnWriteArrayList<>();
			List<Object> channels = new CopyOnWriteArrayList<>();
			HttpClient client = HttpClient.create(provider).doOnResponse(KeepAliveEviction::record)
				.doOnResponse((response, connection) -> {
					channels.add(connection.channel().id());
					recorded.add(connection.channel().attr(KeepAliveEviction.ADVERTISED_IDLE_MILLIS).get());
				});
			for (int i = 0; i < headers.size(); i++) {
				client.get().uri("http://127.0.0.1:" + server.port() + "/").responseContent().aggregate().asString()
					.block(Duration.ofSeconds(5));
			}
			assertThat(channels).hasSize(headers.size()).containsOnly(channels.get(0));
			// a header without a timeout leaves the last advertised one in force
			assertThat(recorded).containsExactly(5000L, 5000L, 7000L, 7000L, 5000L);
		}
		finally {
			provider.disposeLater().block(Duration.ofSeconds(5));
			server.disposeNow();
		}
	}

}
