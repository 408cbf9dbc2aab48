package dev.hyperlane.boot.server;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a test class under Netty's paranoid leak detection (every buffer tracked, as with
 * {@code -Dio.netty.leakDetection.level=paranoid}) and fails it when the {@code io.netty.util.ResourceLeakDetector}
 * logger reports a leak ({@code LEAK: ...}). Leaks are reported when a buffer that was never released is garbage
 * collected and a later allocation polls the detector's queue, so after the class has run the extension collects
 * garbage and allocates a few buffers, several times, before it looks. The previous level is restored afterwards.
 */
final class NettyLeakDetection implements BeforeAllCallback, AfterAllCallback {

	static final String LOGGER = ResourceLeakDetector.class.getName();

	private ResourceLeakDetector.Level previous = ResourceLeakDetector.Level.SIMPLE;

	private final LeakCapture capture = new LeakCapture();

	@Override
	public void beforeAll(ExtensionContext context) throws InterruptedException {
		this.previous = ResourceLeakDetector.getLevel();
		// reports of buffers that earlier test classes dropped come out now, before the capture listens
		this.capture.collect();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		this.capture.attach();
	}

	@Override
	public void afterAll(ExtensionContext context) throws InterruptedException {
		try {
			List<String> leaks = this.capture.collect();
			assertThat(leaks).as("Netty leak reports").isEmpty();
		}
		finally {
			this.capture.detach();
			ResourceLeakDetector.setLevel(this.previous);
		}
	}

	/**
	 * Collects the leak reports of Netty's {@link ResourceLeakDetector} through its Logback logger.
	 */
	static final class LeakCapture extends AppenderBase<ILoggingEvent> {

		private final Queue<String> leaks = new ConcurrentLinkedQueue<>();

		void attach() {
			setName("hyperlane-leak-capture");
			start();
			((Logger) LoggerFactory.getLogger(LOGGER)).addAppender(this);
		}

		void detach() {
			((Logger) LoggerFactory.getLogger(LOGGER)).detachAppender(this);
			stop();
		}

		/**
		 * Make the detector report every buffer that became garbage, then return the reports seen so far.
		 * @return the leak reports, empty when there were none
		 * @throws InterruptedException when interrupted while waiting for the collector
		 */
		List<String> collect() throws InterruptedException {
			for (int round = 0; round < 5; round++) {
				System.gc();
				Thread.sleep(40);
				for (ByteBufAllocator allocator : List.of(PooledByteBufAllocator.DEFAULT,
						UnpooledByteBufAllocator.DEFAULT, ByteBufAllocator.DEFAULT)) {
					for (int i = 0; i < 16; i++) {
						ByteBuf buffer = allocator.directBuffer(64);
						buffer.release();
						buffer = allocator.heapBuffer(64);
						buffer.release();
					}
				}
			}
			return List.copyOf(this.leaks);
		}

		@Override
		protected void append(ILoggingEvent event) {
			String message = event.getFormattedMessage();
			if (message != null && message.contains("LEAK:")) {
				this.leaks.add(message);
			}
		}

	}

}
