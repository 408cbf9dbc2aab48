package dev.hyperlane.boot.transport;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TransportSelector}'s order under {@code auto}, with the real native transports; Netty reads its
 * multishot-accept switch once per JVM, so the selector is told its value here.
 */
class TransportSelectorTests {

	private static final String SWITCH = TransportSelector.ACCEPT_MULTISHOT_PROPERTY;

	private final ClassLoader classLoader = getClass().getClassLoader();

	@Test
	void autoTakesIoUringOnlyWithMultishotAcceptOff() {
		assumeTrue(IoUring.isAvailable() && Epoll.isAvailable(), "io_uring and epoll are not both available here");
		TransportSelection single = new TransportSelector(this.classLoader, () -> false).select(TransportType.AUTO);
		assertThat(single.transport()).isSameAs(IoUringTransport.INSTANCE);
		assertThat(single.reason()).contains("multishot accept is off");
		TransportSelection multishot = new TransportSelector(this.classLoader, () -> true).select(TransportType.AUTO);
		assertThat(multishot.transport()).isSameAs(EpollTransport.INSTANCE);
		assertThat(multishot.reason()).startsWith("auto: epoll native library loaded; io_uring not chosen")
			.contains("refused a normal client on accept");
	}

	@Test
	void singleAcceptsAreSetOnlyWhenTheApplicationLeftTheSwitchUnset() {
		withSwitchCleared(() -> {
			assertThat(TransportSelector.singleAcceptsUnlessSet()).isTrue();
			assertThat(System.getProperty(SWITCH)).isEqualTo("false");
			System.setProperty(SWITCH, "true");
			assertThat(TransportSelector.singleAcceptsUnlessSet()).isFalse();
			assertThat(System.getProperty(SWITCH)).isEqualTo("true");
		});
	}

	@Test
	void epollOrNioChosenByNameLeaveTheSwitchAlone() {
		withSwitchCleared(() -> {
			new TransportSelector(this.classLoader, () -> true).select(TransportType.NIO);
			if (Epoll.isAvailable()) {
				new TransportSelector(this.classLoader, () -> true).select(TransportType.EPOLL);
			}
			assertThat(System.getProperty(SWITCH)).isNull();
			new TransportSelector(this.classLoader, () -> false).select(TransportType.AUTO);
			assertThat(System.getProperty(SWITCH)).isEqualTo("false");
		});
	}

	@Test
	void explicitIoUringRunsWhateverTheAcceptModeAndSaysSo() {
		assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
		TransportSelection multishot = new TransportSelector(this.classLoader, () -> true).select(TransportType.IO_URING);
		assertThat(multishot.transport()).isSameAs(IoUringTransport.INSTANCE);
		assertThat(multishot.reason()).startsWith("requested by hyperlane.transport.type; Netty's multishot accept is on");
		TransportSelection single = new TransportSelector(this.classLoader, () -> false).select(TransportType.IO_URING);
		assertThat(single.reason()).isEqualTo("requested by hyperlane.transport.type");
	}

	private static void withSwitchCleared(Runnable test) {
		String before = System.getProperty(SWITCH);
		try {
			System.clearProperty(SWITCH);
			test.run();
		}
		finally {
			if (before != null) {
				System.setProperty(SWITCH, before);
			}
			else {
				System.clearProperty(SWITCH);
			}
		}
	}

}
