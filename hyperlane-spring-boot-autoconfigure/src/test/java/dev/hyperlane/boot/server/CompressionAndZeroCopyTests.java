package dev.hyperlane.boot.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import com.github.luben.zstd.Zstd;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.FileRegion;
import io.netty.handler.codec.compression.Brotli;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real server: the algorithm follows the client's Accept-Encoding among zstd, br and gzip (with zstd-jni and
 * brotli4j on the class path), and a static file that is not compressed leaves through Netty's zero-copy
 * {@link FileRegion} path, while a compressible one is compressed.
 */
class CompressionAndZeroCopyTests {

	private static final String TEXT = "hyperlane compresses text-like responses above the minimum size. ".repeat(64);

	@TempDir
	static Path staticFiles;

	private final HttpClient client = HttpClient.newHttpClient();

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner()
		.withUserConfiguration(Routes.class)
		.withPropertyValues("spring.web.resources.static-locations=file:" + staticFiles + "/");

	@BeforeAll
	static void writeStaticFiles() throws IOException {
		byte[] png = new byte[64 * 1024];
		new Random(7).nextBytes(png);
		Files.write(staticFiles.resolve("picture.png"), png);
		Files.writeString(staticFiles.resolve("notes.txt"), TEXT);
	}

	@Test
	void algorithmFollowsAcceptEncoding() {
		this.runner.run((context) -> {
			int port = TestServers.port(context);
			HttpResponse<byte[]> zstd = get(port, "/text", "zstd, gzip;q=0.5");
			assertThat(zstd.headers().firstValue("content-encoding")).hasValue("zstd");
			assertThat(new String(Zstd.decompress(zstd.body(), TEXT.length()), StandardCharsets.UTF_8))
				.isEqualTo(TEXT);
			if (Brotli.isAvailable()) {
				HttpResponse<byte[]> br = get(port, "/text", "gzip;q=0.5, br");
				assertThat(br.headers().firstValue("content-encoding")).hasValue("br");
				DirectDecompress decompressed = Decoder.decompress(br.body());
				assertThat(decompressed.getResultStatus()).isEqualTo(DecoderJNI.Status.DONE);
				assertThat(new String(decompressed.getDecompressedData(), StandardCharsets.UTF_8)).isEqualTo(TEXT);
			}
			HttpResponse<byte[]> gzip = get(port, "/text", "gzip");
			assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
		});
	}

	@Test
	void reactorNettyClientDecodesTheServersBrotli() {
		// Netty 4.2's brotli decoder needs the brotli4j its build names (1.23.0); an older one fails with
		// NoSuchMethodError in DecoderJNI.Wrapper.pull when a client decompresses br
		assertThat(Brotli.isAvailable()).isTrue();
		this.runner.run((context) -> {
			String body = reactor.netty.http.client.HttpClient.create()
				.headers((headers) -> headers.set("Accept-Encoding", "br"))
				.compress(true)
				.get()
				.uri("http://127.0.0.1:" + TestServers.port(context) + "/text")
				.responseSingle((response, content) -> content.asString(StandardCharsets.UTF_8))
				.block(java.time.Duration.ofSeconds(10));
			assertThat(body).isEqualTo(TEXT);
		});
	}

	@Test
	void zstdLevelIsConfigurable() {
		this.runner.withPropertyValues("hyperlane.server.compression.zstd-level=19").run((context) -> {
			HttpResponse<byte[]> fast = get(TestServers.port(context), "/text", "zstd");
			assertThat(fast.headers().firstValue("content-encoding")).hasValue("zstd");
			assertThat(context.getBean(ServerSettings.class).get(ServerSettings.COMPRESSION_ZSTD_LEVEL))
				.isEqualTo(19);
		});
	}

	@Test
	void staticFilesKeepZeroCopyUnlessCompressed() {
		this.runner.withUserConfiguration(WriteRecorder.class).run((context) -> {
			int port = TestServers.port(context);
			HttpResponse<byte[]> picture = get(port, "/picture.png", "gzip");
			assertThat(picture.statusCode()).isEqualTo(200);
			assertThat(picture.headers().firstValue("content-encoding")).isEmpty();
			assertThat(picture.body()).hasSize(64 * 1024);
			assertThat(WriteRecorder.writes).anyMatch(FileRegion.class::isAssignableFrom);
			WriteRecorder.writes.clear();
			HttpResponse<byte[]> notes = get(port, "/notes.txt", "gzip");
			assertThat(notes.headers().firstValue("content-encoding")).hasValue("gzip");
			assertThat(WriteRecorder.writes).noneMatch(FileRegion.class::isAssignableFrom);
		});
	}

	private HttpResponse<byte[]> get(int port, String path, String acceptEncoding) {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.header("Accept-Encoding", acceptEncoding)
			.build();
		try {
			return this.client.send(request, HttpResponse.BodyHandlers.ofByteArray());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class Routes {

		@Bean
		RouterFunction<ServerResponse> textRoute() {
			return RouterFunctions.route()
				.GET("/text", (request) -> ServerResponse.ok().contentType(MediaType.TEXT_PLAIN).bodyValue(TEXT))
				.build();
		}

	}

	/**
	 * Records the class of every message that reaches the head of the pipeline (after the HTTP encoder).
	 */
	@Configuration(proxyBeanMethods = false)
	static class WriteRecorder {

		static final Queue<Class<?>> writes = new ConcurrentLinkedQueue<>();

		@Bean
		NettyServerCustomizer writeRecorder() {
			return (server) -> server.doOnChannelInit((observer, channel, address) -> channel.pipeline()
				.addFirst("test.writeRecorder", new ChannelOutboundHandlerAdapter() {

					@Override
					public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
						writes.add(msg.getClass());
						super.write(ctx, msg, promise);
					}

				}));
		}

	}

}
