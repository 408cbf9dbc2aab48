package dev.hyperlane.boot.server;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.hyperlane.boot.actuate.HyperlaneEndpoint;
import io.netty.util.internal.PlatformDependent;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import org.springframework.boot.test.context.assertj.AssertableReactiveWebApplicationContext;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.web.server.reactive.context.ReactiveWebServerApplicationContext;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Attacks from issue 14 against a real server, on io_uring, epoll and NIO ({@link TestServers#transports()}), in a JVM of their own with 64 MB of direct
 * memory (the {@code hostile-clients} surefire execution), so that exhausting it is cheap. For each: normal requests
 * keep being answered within 1 s during the attack, direct memory stays under its ceiling, nothing is logged above
 * DEBUG for the attack's requests, and the server recovers by itself once the attackers leave.
 */
@Timeout(90)
@ExtendWith(OutputCaptureExtension.class)
class HostileClientTests {

	private static final long MAX_DIRECT = 64L * 1024 * 1024;

	private static final int BODY_SENT = 1_000_000;

	/** Attacking connections; {@code benchmarks/hostile/soak.sh} raises it. */
	private static final int ATTACKERS = Integer.getInteger("hostile.connections", 120);

	private final ReactiveWebApplicationContextRunner runner = TestServers.runner().withUserConfiguration(BadRequestTests.Endpoints.class);

	private final List<Socket> attackers = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void smallDirectMemory() {
		assumeTrue(PlatformDependent.maxDirectMemory() <= MAX_DIRECT,
				"runs in the hostile-clients surefire execution (-XX:MaxDirectMemorySize=64m)");
	}

	@AfterEach
	void leave() {
		for (Socket socket : this.attackers) {
			try {
				socket.close();
			}
			catch (IOException ex) {
				// already closed by the server
			}
		}
		this.attackers.clear();
	}

	/**
	 * Issue 14 item 1, scaled to 64 MB: 120 connections each send 1,000,000 bytes of a 1,000,001-byte body that the handler decodes whole (a String) and go
	 * silent, 120 MB in all where an unguarded server pins 2.5 MB of direct memory for each.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.hyperlane.boot.server.TestServers#transports")
	void incompleteBodiesCannotExhaustDirectMemory(String transport, CapturedOutput output) {
		this.runner.withPropertyValues("hyperlane.transport.type=" + transport).run((context) -> {
			int port = port(context);
			assertThat(TestServers.setting(context, "hyperlane.server.max-connections")).containsEntry("value", "256")
				.containsEntry("source", "derived");
			int logStart = output.getAll().length();
			ExecutorService senders = Executors.newFixedThreadPool(24);
			AtomicLong peak = new AtomicLong();
			AtomicLong peakOpen = new AtomicLong();
			for (int i = 0; i < ATTACKERS; i++) {
				senders.execute(() -> sendIncompleteBody(port, "/echo"));
			}
			senders.shutdown();
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
			// while 120 MB arrive, client and server share two cores: answered, though not always within 1 s
			while (!senders.awaitTermination(200, TimeUnit.MILLISECONDS) && System.nanoTime() < deadline) {
				peak.accumulateAndGet(directMemoryUsed(), Math::max);
				peakOpen.accumulateAndGet((Long) statistics(context).get("openConnections"), Math::max);
				probe(context, port, Duration.ofSeconds(5));
			}
			// the server has read what the kernel buffered for it: the attackers are silent, the wedge
			List<Object> previous = new java.util.ArrayList<>();
			Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
				Map<String, Object> now = statistics(context);
				List<Object> current = List.of(now.get("requestBodiesShed"), now.get("requestBodyMemoryUsedBytes"));
				boolean settled = current.equals(previous);
				previous.clear();
				previous.addAll(current);
				return settled;
			});
			for (int i = 0; i < 10; i++) {
				peak.accumulateAndGet(directMemoryUsed(), Math::max);
				probe(context, port, Duration.ofSeconds(1));
				Thread.sleep(100);
			}
			System.out.println("MEASURED incomplete bodies on " + transport + " (" + ATTACKERS + " attackers): peak direct memory "
					+ peak.get() + " B of " + MAX_DIRECT + " B, peak open connections " + peakOpen.get() + ", "
					+ resources() + ", " + statistics(context));
			Map<String, Object> statistics = statistics(context);
			assertThat((Long) statistics.get("requestBodiesShed")).isPositive();
			assertThat((Long) statistics.get("directMemoryExhausted")).isZero();
			assertThat(peak.get()).isLessThan(MAX_DIRECT * 9 / 10);
			assertThat(output.getAll().substring(logStart)).doesNotContain("WARN").doesNotContain("ERROR");
			leave();
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(statistics(context)).containsEntry("requestBodyMemoryUsedBytes", 0L));
			assertRecovers(port);
			senders.shutdownNow();
		});
	}

	/**
	 * Issue 14 item 6: a body that stops (or trickles) gets 408 and a quiet close once the whole-body timeout or the
	 * gap timeout passes, instead of a 500 with an ERROR log.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.hyperlane.boot.server.TestServers#transports")
	void slowBodiesGet408AndAQuietClose(String transport, CapturedOutput output) {
		this.runner
			.withPropertyValues("hyperlane.transport.type=" + transport, "hyperlane.server.read-timeout=1s",
					"hyperlane.server.request-timeout=2s")
			.run((context) -> {
				int port = port(context);
				int logStart = output.getAll().length();
				try (RawHttpConnection stalled = new RawHttpConnection(port);
						RawHttpConnection trickling = new RawHttpConnection(port)) {
					String head = "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\n";
					stalled.write(head + "only ten b");
					trickling.write(head);
					long start = System.nanoTime();
					// one byte every 400 ms never leaves a 1 s gap: only the 2 s whole-body timeout ends it
					while (!trickling.hasData() && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4)) {
						trickling.write("x");
						Thread.sleep(400);
						assertAnsweredWithinOneSecond(port);
					}
					assertThat(stalled.readResponse().status()).isEqualTo(408);
					assertThat(stalled.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
					assertThat(trickling.readResponse().status()).isEqualTo(408);
					assertThat(trickling.closedByServerWithin(Duration.ofSeconds(2))).isTrue();
				}
				Awaitility.await()
					.atMost(Duration.ofSeconds(5))
					.untilAsserted(() -> assertThat(statistics(context)).containsEntry("requestBodyTimeouts", 2L)
						.containsEntry("requestBodyMemoryUsedBytes", 0L));
				Thread.sleep(200);
				assertThat(output.getAll().substring(logStart)).doesNotContain("WARN")
					.doesNotContain("ERROR")
					.doesNotContain("\tat ");
				assertAnsweredWithinOneSecond(port);
			});
	}

	/**
	 * Issue 14 item 4: a client that pipelines GETs and never reads a response is not read further once 16 responses
	 * are pending, so it cannot queue requests until the heap is full.
	 */
	@ParameterizedTest(name = "{0}")
	@MethodSource("dev.hyperlane.boot.server.TestServers#transports")
	void pipeliningClientThatNeverReadsIsNotReadFurther(String transport, CapturedOutput output) {
		this.runner.withPropertyValues("hyperlane.transport.type=" + transport).run((context) -> {
			int port = port(context);
			int logStart = output.getAll().length();
			Socket socket = new Socket();
			this.attackers.add(socket);
			socket.setReceiveBufferSize(4096);
			socket.setSendBufferSize(65536);
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			byte[] requests = "GET /ok HTTP/1.1\r\nHost: x\r\n\r\n".repeat(1000).getBytes(StandardCharsets.US_ASCII);
			AtomicLong written = new AtomicLong();
			Thread writer = new Thread(() -> {
				try {
					OutputStream out = socket.getOutputStream();
					while (true) {
						out.write(requests);
						written.addAndGet(requests.length);
					}
				}
				catch (IOException ex) {
					// closed at the end of the test
				}
			});
			writer.setDaemon(true);
			writer.start();
			// the server answers what it read until the kernel's send buffer is full; then it stops reading and the
			// writer is stuck once the socket buffers are full
			long stalled = -1;
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
			while (System.nanoTime() < deadline) {
				long before = written.get();
				Thread.sleep(1000);
				assertAnswered(port, Duration.ofSeconds(5));
				if (written.get() == before) {
					stalled = before;
					break;
				}
			}
			assertThat(stalled).isPositive().isLessThan(32L * 1024 * 1024);
			for (int i = 0; i < 10; i++) {
				assertAnsweredWithinOneSecond(port);
				Thread.sleep(100);
			}
			long afterThreeSeconds = written.get();
			assertThat(afterThreeSeconds).isEqualTo(stalled);
			assertThat((Long) statistics(context).get("pipeliningPauses")).isPositive();
			assertThat(output.getAll().substring(logStart)).doesNotContain("WARN").doesNotContain("ERROR");
			System.out.println("MEASURED pipelining on " + transport + ": " + afterThreeSeconds
					+ " B written before the server stopped reading, " + resources() + ", " + statistics(context));
			leave();
			assertRecovers(port);
		});
	}

	private void sendIncompleteBody(int port, String path) {
		Socket socket = new Socket();
		this.attackers.add(socket);
		try {
			socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
			OutputStream out = socket.getOutputStream();
			out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: "
					+ (BODY_SENT + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
			byte[] chunk = new byte[50_000];
			for (int sent = 0; sent < BODY_SENT; sent += chunk.length) {
				out.write(chunk);
			}
			out.flush();
		}
		catch (IOException ex) {
			// refused with 503 and closed, or closed on accept above the connection limit
		}
	}

	/** {@link #assertAnswered}, failing with the server's statistics and this JVM's resources (for the soak). */
	private static void probe(ApplicationContext context, int port, Duration within) {
		try {
			assertAnswered(port, within);
		}
		catch (IOException | AssertionError ex) {
			throw new AssertionError("GET /ok not answered within " + within + ": " + ex + "; direct memory "
					+ directMemoryUsed() + " B, " + resources() + ", " + statistics(context), ex);
		}
	}

	private static void assertAnsweredWithinOneSecond(int port) throws IOException {
		assertAnswered(port, Duration.ofSeconds(1));
	}

	private static void assertAnswered(int port, Duration within) throws IOException {
		long start = System.nanoTime();
		try (RawHttpConnection connection = new RawHttpConnection(port)) {
			assertThat(connection.get("/ok").status()).isEqualTo(200);
		}
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(within);
	}

	private static void assertRecovers(int port) {
		Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertAnsweredWithinOneSecond(port));
	}

	/**
	 * What the soak watches besides direct memory: the heap in use, the event-loop threads alive (an event loop that
	 * died would be missing) and the CPU this JVM (client and server) has used so far.
	 */
	private static String resources() {
		long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
		long loops = Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith("hyperlane-loop"))
			.count();
		long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		return "heap used " + heap / (1024 * 1024) + " MB, event-loop threads alive " + loops + ", JVM CPU "
				+ TimeUnit.NANOSECONDS.toMillis(cpu) + " ms";
	}

	/**
	 * Return the fuller of the two direct memory pools, each capped at 64 MB here: the JVM's direct buffers
	 * ({@code ByteBuffer.allocateDirect}) and Netty's cleaner-less buffers.
	 */
	private static long directMemoryUsed() {
		long jvm = 0;
		for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
			if ("direct".equals(pool.getName())) {
				jvm = pool.getMemoryUsed();
			}
		}
		return Math.max(jvm, PlatformDependent.usedDirectMemory());
	}

	private static int port(ApplicationContext context) throws IOException {
		int port = webServerPort(context);
		// warm up: the first requests of a fresh context are slow (class loading, compilation)
		for (int i = 0; i < 20; i++) {
			try (RawHttpConnection connection = new RawHttpConnection(port)) {
				assertThat(connection.get("/ok").status()).isEqualTo(200);
			}
		}
		return port;
	}

	private static int webServerPort(ApplicationContext context) {
		ApplicationContext source = (context instanceof AssertableReactiveWebApplicationContext assertable)
				? assertable.getSourceApplicationContext() : context;
		return ((ReactiveWebServerApplicationContext) source).getWebServer().getPort();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> statistics(ApplicationContext context) {
		return (Map<String, Object>) context.getBean(HyperlaneEndpoint.class).section("server").get("statistics");
	}

}
