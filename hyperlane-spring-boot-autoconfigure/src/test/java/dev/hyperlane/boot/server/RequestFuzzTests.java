package dev.hyperlane.boot.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import dev.hyperlane.boot.transport.TransportResources;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.util.internal.PlatformDependent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bounded fuzz run over real sockets: requests built from a fixed seed by mutating valid ones (bytes flipped,
 * inserted, deleted, duplicated; line endings changed; lengths and chunk sizes replaced by extreme numbers; header
 * lines repeated or stretched; truncation) plus plain random bytes, sent on their own connections by two clients at
 * once. Every {@value #CHECK_EVERY} inputs and at the end a valid request must get its 200 and body; afterwards the
 * server's direct memory must be back near its level after the warm-up, Netty's paranoid leak detection must report
 * nothing ({@link NettyLeakDetection}), and no stack trace may be logged. Bounded by {@value #INPUTS} inputs and
 * {@value #BUDGET_SECONDS} seconds, whichever comes first; the seed is fixed, so a failure replays.
 */
@Timeout(60)
@ExtendWith({ NettyLeakDetection.class, OutputCaptureExtension.class })
class RequestFuzzTests {

	static final long SEED = 0x5EED_2026L;

	static final int INPUTS = 2000;

	static final int CHECK_EVERY = 250;

	static final int BUDGET_SECONDS = 20;

	/** Slack for allocator caches: the adaptive allocator may keep a few more chunks after the run. */
	static final long DIRECT_MEMORY_SLACK = 8L * 1024 * 1024;

	private static final List<byte[]> SEEDS = List.of(
			ascii("GET /ok HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n"),
			ascii("GET /ok?q=1&r=%20x HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: gzip, br\r\n"
					+ "Cookie: a=b; c=d\r\nConnection: close\r\n\r\n"),
			ascii("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\n"
					+ "hello world"),
			ascii("POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
					+ "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
			ascii("GET /ok HTTP/1.1\r\nHost: localhost\r\n\r\nGET /ok HTTP/1.1\r\nHost: localhost\r\n\r\n"),
			ascii("OPTIONS * HTTP/1.1\r\nHost: localhost\r\n\r\n"),
			ascii("GET /ok HTTP/1.0\r\n\r\n"),
			ascii("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner()
		.withUserConfiguration(BadRequestTests.Endpoints.class)
		.withPropertyValues("hyperlane.server.request-header-timeout=2s", "hyperlane.server.read-timeout=2s");

	@Test
	void serverKeepsAnsweringAndGivesBackItsMemory(CapturedOutput output) {
		this.runner.run((context) -> {
			int port = context.getSourceApplicationContext(ReactiveWebServerApplicationContext.class)
				.getWebServer()
				.getPort();
			TransportResources transport = context.getBean(TransportResources.class);
			for (int i = 0; i < 300; i++) {
				assertValid(port);
			}
			long baseline = directMemory(transport);
			Map<Integer, Integer> statuses = new TreeMap<>();
			int sent = fuzz(port, statuses);
			for (int i = 0; i < 50; i++) {
				assertValid(port);
			}
			long after = directMemory(transport);
			System.out.printf("fuzz: %d inputs, statuses %s, direct memory %d -> %d bytes%n", sent, statuses,
					baseline, after);
			assertThat(sent).isGreaterThanOrEqualTo(500);
			assertThat(statuses).containsKeys(200, 400);
			assertThat(after).isLessThanOrEqualTo(baseline + DIRECT_MEMORY_SLACK);
		});
		assertThat(output.getAll()).doesNotContain("\tat ").doesNotContain("Caused by");
	}

	private int fuzz(int port, Map<Integer, Integer> statuses) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BUDGET_SECONDS);
		ExecutorService clients = Executors.newFixedThreadPool(2);
		try {
			int sent = 0;
			Random random = new Random(SEED);
			while (sent < INPUTS && System.nanoTime() < deadline) {
				List<Future<Integer>> batch = new ArrayList<>();
				for (int i = 0; i < CHECK_EVERY && sent < INPUTS; i++, sent++) {
					byte[] input = mutate(random);
					batch.add(clients.submit(() -> exchange(port, input)));
				}
				for (Future<Integer> result : batch) {
					statuses.merge(result.get(10, TimeUnit.SECONDS), 1, Integer::sum);
				}
				assertValid(port);
			}
			return sent;
		}
		finally {
			clients.shutdownNow();
		}
	}

	static byte[] mutate(Random random) {
		int strategy = random.nextInt(12);
		if (strategy == 0) {
			byte[] noise = new byte[1 + random.nextInt(600)];
			random.nextBytes(noise);
			return noise;
		}
		byte[] input = SEEDS.get(random.nextInt(SEEDS.size())).clone();
		if (strategy == 1) {
			return input;
		}
		int mutations = 1 + random.nextInt(4);
		for (int m = 0; m < mutations; m++) {
			input = mutateOnce(random, input);
		}
		return input;
	}

	private static byte[] mutateOnce(Random random, byte[] input) {
		if (input.length == 0) {
			return ascii("\r\n");
		}
		int at = random.nextInt(input.length);
		return switch (random.nextInt(10)) {
			case 0 -> {
				input[at] = (byte) random.nextInt(256);
				yield input;
			}
			case 1 -> {
				input[at] ^= (byte) (1 << random.nextInt(8));
				yield input;
			}
			case 2 -> splice(input, at, at, randomBytes(random, 1 + random.nextInt(16)));
			case 3 -> splice(input, at, Math.min(input.length, at + 1 + random.nextInt(16)), new byte[0]);
			case 4 -> {
				int end = Math.min(input.length, at + 1 + random.nextInt(32));
				byte[] copy = Arrays.copyOfRange(input, at, end);
				byte[] repeated = new byte[copy.length * (2 + random.nextInt(8))];
				for (int i = 0; i < repeated.length; i++) {
					repeated[i] = copy[i % copy.length];
				}
				yield splice(input, at, at, repeated);
			}
			case 5 -> replaceAll(input, "\r\n", random.nextBoolean() ? "\n" : "\r");
			case 6 -> replaceFirst(input, "Content-Length: 11",
					"Content-Length: " + List.of("-1", "99999999999999999999", "0", "12", " 11", "0x0b", "1 1")
						.get(random.nextInt(7)));
			case 7 -> replaceFirst(input, "\r\n5\r\n",
					"\r\n" + List.of("FFFFFFFFFFFFFFFF", "-5", "5;ext=1", "5 ", "", "0000000000000000000005")
						.get(random.nextInt(6)) + "\r\n");
			case 8 -> replaceFirst(input, "Host: localhost\r\n", "Host: localhost\r\nX-Fuzz: "
					+ "v".repeat(random.nextInt(20_000)) + "\r\n");
			default -> Arrays.copyOf(input, at);
		};
	}

	private static int exchange(int port, byte[] input) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			socket.setSoTimeout(3000);
			OutputStream out = socket.getOutputStream();
			try {
				out.write(input);
				out.flush();
				socket.shutdownOutput();
			}
			catch (IOException ex) {
				// the server closed first: read what it answered
			}
			return firstStatus(socket.getInputStream());
		}
		catch (SocketTimeoutException ex) {
			return -1;
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static int firstStatus(InputStream in) throws IOException {
		byte[] head = new byte[12];
		int read = in.readNBytes(head, 0, head.length);
		in.skip(Long.MAX_VALUE);
		while (in.read() != -1) {
			// drain until the server closes
		}
		String line = new String(head, 0, read, StandardCharsets.ISO_8859_1);
		if (read < 12 || !line.startsWith("HTTP/1.")) {
			return 0;
		}
		return Integer.parseInt(line.substring(9, 12));
	}

	private static void assertValid(int port) throws IOException {
		try (RawHttpConnection connection = new RawHttpConnection(port)) {
			RawHttpConnection.Response response = connection.get("/ok");
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.text()).isEqualTo("ok");
		}
	}

	private static long directMemory(TransportResources transport) throws InterruptedException {
		System.gc();
		Thread.sleep(100);
		long netty = PlatformDependent.usedDirectMemory();
		if (transport.allocator() instanceof ByteBufAllocatorMetricProvider provider) {
			return Math.max(netty, provider.metric().usedDirectMemory());
		}
		return netty;
	}

	private static byte[] splice(byte[] input, int from, int to, byte[] insert) {
		byte[] result = new byte[input.length - (to - from) + insert.length];
		System.arraycopy(input, 0, result, 0, from);
		System.arraycopy(insert, 0, result, from, insert.length);
		System.arraycopy(input, to, result, from + insert.length, input.length - to);
		return result;
	}

	private static byte[] randomBytes(Random random, int length) {
		byte[] bytes = new byte[length];
		random.nextBytes(bytes);
		return bytes;
	}

	private static byte[] replaceAll(byte[] input, String from, String to) {
		return ascii(new String(input, StandardCharsets.ISO_8859_1).replace(from, to));
	}

	private static byte[] replaceFirst(byte[] input, String from, String to) {
		String text = new String(input, StandardCharsets.ISO_8859_1);
		int index = text.indexOf(from);
		return (index < 0) ? input : ascii(text.substring(0, index) + to + text.substring(index + from.length()));
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

}
