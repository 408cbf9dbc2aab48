package dev.hyperlane.boot.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves that {@link NettyLeakDetection} sees a leak: a buffer dropped without release is reported once it is
 * garbage collected.
 */
class NettyLeakDetectionTests {

	@Test
	void captureSeesABufferThatWasNeverReleased() throws InterruptedException {
		ResourceLeakDetector.Level previous = ResourceLeakDetector.getLevel();
		NettyLeakDetection.LeakCapture capture = new NettyLeakDetection.LeakCapture();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		capture.attach();
		try {
			leak();
			assertThat(capture.collect()).anySatisfy((report) -> assertThat(report).contains("LEAK:"));
		}
		finally {
			capture.detach();
			ResourceLeakDetector.setLevel(previous);
		}
	}

	private static void leak() {
		ByteBuf buffer = UnpooledByteBufAllocator.DEFAULT.directBuffer(128);
		buffer.writeLong(42);
		// dropped without release()
	}

}
