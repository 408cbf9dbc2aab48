package dev.hyperlane.benchmark.raw;

import dev.hyperlane.benchmark.JvmFigures;
import dev.hyperlane.benchmark.Payloads;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * A bare Reactor Netty {@link HttpServer} with the benchmark application's endpoints ({@code /plaintext},
 * {@code /json}, {@code /json/large}, {@code /bench/jvm}) and Reactor Netty's defaults for everything: no Spring,
 * no filters, no metrics. JSON is written by Jackson on each request, as the Spring targets do.
 * <p>
 * Usage: {@code java -jar hyperlane-benchmark-raw.jar <port>} (binds 127.0.0.1; runs until stopped).
 *
 * @author Hyperlane
 */
public final class RawServer {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private RawServer() {
	}

	/**
	 * Starts the server and waits until it is stopped.
	 * @param args the port to bind on 127.0.0.1
	 */
	public static void main(String[] args) {
		int port = Integer.parseInt(args[0]);
		DisposableServer server = HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route((routes) -> routes
				.get("/plaintext",
						(request, response) -> response.header(HttpHeaderNames.CONTENT_TYPE, "text/plain;charset=UTF-8")
							.sendString(Mono.just(Payloads.PLAINTEXT)))
				.get("/json", (request, response) -> json(response, Payloads.SMALL))
				.get("/json/large", (request, response) -> json(response, Payloads.LARGE))
				.get("/bench/jvm", (request, response) -> response
					.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
					.sendString(Mono.fromSupplier(JvmFigures::json))))
			.bindNow();
		System.out.println("raw server listening on 127.0.0.1:" + server.port());
		server.onDispose().block();
	}

	private static Publisher<Void> json(HttpServerResponse response, Payloads.Page page) {
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
			.sendByteArray(Mono.fromSupplier(() -> MAPPER.writeValueAsBytes(page)));
	}

}
