package dev.hyperlane.boot.transport;

import dev.hyperlane.boot.HyperlaneSettingException;
import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringSocketChannel;
import org.junit.jupiter.api.Test;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link TransportAutoConfiguration}: property mapping, the shared event loops, and back-off.
 */
class TransportAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class))
		.withPropertyValues("spring.reactor.netty.shutdown-quiet-period=0s");

	@Test
	void resourceFactoryRunsOnHyperlaneEventLoops() {
		this.runner.run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			ReactorResourceFactory factory = context.getBean(ReactorResourceFactory.class);
			assertThat(factory.isUseGlobalResources()).isFalse();
			assertThat(factory.getLoopResources()).isSameAs(transport.loopResources());
			assertThat(transport.loopResources().threads()).isEqualTo(Runtime.getRuntime().availableProcessors());
			assertThat(transport.effective().get("hyperlane.transport.event-loop-threads").source().displayName())
				.isEqualTo("derived");
			EventLoopGroup group = transport.loopResources().group();
			assertThat(transport.loopResources().onServer(false)).isSameAs(group);
			assertThat(transport.loopResources().onClient(true)).isSameAs(group);
		});
	}

	@Test
	void eventLoopThreadsProperty() {
		this.runner.withPropertyValues("hyperlane.transport.event-loop-threads=3").run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(transport.loopResources().threads()).isEqualTo(3);
			assertThat(transport.loopResources().group()).hasSize(3);
			assertThat(transport.effective().get("hyperlane.transport.event-loop-threads").source().displayName())
				.isEqualTo("property");
		});
	}

	@Test
	void invalidEventLoopThreadsFailsStartWithThePropertyName() {
		this.runner.withPropertyValues("hyperlane.transport.event-loop-threads=0").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(HyperlaneSettingException.class)
				.hasMessageContaining("hyperlane.transport.event-loop-threads");
		});
	}

	@Test
	void nioTransportOnRequest() {
		this.runner.withPropertyValues("hyperlane.transport.type=nio").run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(transport.transport().type()).isEqualTo(TransportType.NIO);
			assertThat(channelClass(transport)).isEqualTo(NioSocketChannel.class);
		});
	}

	@Test
	void epollTransportOnRequest() {
		assumeTrue(Epoll.isAvailable(), "epoll is not available here");
		this.runner.withPropertyValues("hyperlane.transport.type=epoll").run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(transport.transport().type()).isEqualTo(TransportType.EPOLL);
			assertThat(channelClass(transport)).isEqualTo(EpollSocketChannel.class);
		});
	}

	@Test
	void ioUringTransportOnRequest() {
		assumeTrue(IoUring.isAvailable(), "io_uring is not available here");
		this.runner.withPropertyValues("hyperlane.transport.type=io-uring").run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(channelClass(transport)).isEqualTo(IoUringSocketChannel.class);
			assertThat(transport.effective().get("hyperlane.transport.type").source().displayName())
				.isEqualTo("property");
		});
	}

	/**
	 * Issue 14: {@code auto} runs io_uring with single accepts, or epoll while Netty's multishot accept is on (Netty
	 * reads the switch once per JVM, so which of the two this JVM shows depends on whether a test loaded Netty's
	 * io_uring classes before any selector set it; {@link TransportSelectorTests} covers both); io_uring asked for by
	 * name with multishot accept on runs, with a warning in the endpoint's advice.
	 */
	@Test
	void autoRunsIoUringOnlyWithSingleAccepts() {
		assumeTrue(IoUring.isAvailable() && Epoll.isAvailable(), "io_uring and epoll are not both available here");
		boolean multishot = IoUring.isAcceptMultishotEnabled();
		this.runner.run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(transport.transport().type()).isEqualTo(multishot ? TransportType.EPOLL : TransportType.IO_URING);
			assertThat(channelClass(transport)).isEqualTo(multishot ? EpollSocketChannel.class : IoUringSocketChannel.class);
			assertThat(transport.selection().reason())
				.contains(multishot ? "multishot accept is on" : "multishot accept is off")
				.contains(multishot ? "benchmarks/results/hostile-soak-2026-12-05.md" : "acceptMultiShotEnabled=false");
			assertThat(transport.effective().get("hyperlane.transport.type").reason())
				.isEqualTo(transport.selection().reason());
			assertThat(new TransportSection(transport).advice()).noneMatch((advice) -> advice.finding().contains("multishot"));
		});
		this.runner.withPropertyValues("hyperlane.transport.type=io-uring").run((context) -> {
			TransportResources transport = context.getBean(TransportResources.class);
			assertThat(transport.transport().type()).isEqualTo(TransportType.IO_URING);
			if (multishot) {
				assertThat(new TransportSection(transport).advice())
					.anyMatch((advice) -> advice.finding().contains("multishot accept is on")
							&& advice.property().equals("-Dio.netty.iouring.acceptMultiShotEnabled"));
			}
		});
	}

	@Test
	void requestedNativeTransportMissingFromClassPathFailsStart() {
		this.runner.withClassLoader(new FilteredClassLoader("io.netty.channel.epoll"))
			.withPropertyValues("hyperlane.transport.type=epoll")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.isInstanceOf(HyperlaneSettingException.class)
					.hasMessageContaining("hyperlane.transport.type")
					.hasMessageContaining("netty-transport-native-epoll is not on the class path");
			});
	}

	@Test
	void autoFallsBackToNioWithoutNativeTransports() {
		this.runner.withClassLoader(new FilteredClassLoader("io.netty.channel.epoll", "io.netty.channel.uring"))
			.run((context) -> {
				TransportSelection selection = context.getBean(TransportResources.class).selection();
				assertThat(selection.transport().type()).isEqualTo(TransportType.NIO);
				assertThat(selection.unavailable()).containsOnlyKeys("io_uring", "epoll");
				assertThat(selection.reason()).contains("no native transport loaded");
			});
	}

	@Test
	void allocatorProperty() {
		this.runner.run((context) -> assertThat(context.getBean(TransportResources.class).allocator())
			.isInstanceOf(AdaptiveByteBufAllocator.class));
		this.runner.withPropertyValues("hyperlane.transport.allocator=pooled")
			.run((context) -> assertThat(context.getBean(TransportResources.class).allocator())
				.isSameAs(PooledByteBufAllocator.DEFAULT));
		this.runner.withPropertyValues("hyperlane.transport.allocator=unpooled")
			.run((context) -> assertThat(context.getBean(TransportResources.class).allocator())
				.isInstanceOf(UnpooledByteBufAllocator.class));
		this.runner.withPropertyValues("hyperlane.transport.prefer-direct=false").run((context) -> {
			ByteBuf buffer = context.getBean(TransportResources.class).allocator().buffer(16);
			try {
				assertThat(buffer.isDirect()).isFalse();
			}
			finally {
				buffer.release();
			}
		});
	}

	@Test
	void eventLoopsShutDownWithTheContext() {
		TransportResources[] holder = new TransportResources[1];
		EventLoopGroup[] group = new EventLoopGroup[1];
		this.runner.run((context) -> {
			holder[0] = context.getBean(TransportResources.class);
			group[0] = holder[0].loopResources().group();
		});
		assertThat(group[0].isTerminated()).isTrue();
		assertThat(holder[0].loopResources().isDisposed()).isTrue();
	}

	@Test
	void eventLoopsAreCreatedWhenFirstAskedFor() {
		TransportResources[] holder = new TransportResources[1];
		this.runner.run((context) -> {
			holder[0] = context.getBean(TransportResources.class);
			assertThat(holder[0].loopResources().groupIfCreated()).isNull();
			assertThat(holder[0].loopResources().onClient(true)).isSameAs(holder[0].loopResources().group())
				.isSameAs(holder[0].loopResources().groupIfCreated());
		});
		TransportResources[] unused = new TransportResources[1];
		this.runner.run((context) -> unused[0] = context.getBean(TransportResources.class));
		assertThat(unused[0].loopResources().isDisposed()).isTrue();
		assertThat(unused[0].loopResources().groupIfCreated()).isNull();
	}

	@Test
	void userResourceFactoryWins() {
		this.runner.withUserConfiguration(UserResourceFactory.class).run((context) -> {
			assertThat(context).hasSingleBean(ReactorResourceFactory.class);
			assertThat(context.getBean(ReactorResourceFactory.class)).isSameAs(UserResourceFactory.FACTORY);
		});
	}

	@Test
	void backsOffWhenDisabled() {
		this.runner.withPropertyValues("hyperlane.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TransportResources.class)
				.doesNotHaveBean(ReactorResourceFactory.class));
		this.runner.withPropertyValues("hyperlane.transport.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(TransportResources.class));
	}

	@Test
	void backsOffWithoutReactorNetty() {
		this.runner.withClassLoader(new FilteredClassLoader(LoopResources.class))
			.run((context) -> assertThat(context).doesNotHaveBean(TransportResources.class));
	}

	private static Class<?> channelClass(TransportResources transport) {
		return transport.loopResources().onChannelClass(SocketChannel.class, transport.loopResources().group());
	}

	@Configuration(proxyBeanMethods = false)
	static class UserResourceFactory {

		static final ReactorResourceFactory FACTORY = new ReactorResourceFactory();

		@Bean
		ReactorResourceFactory userReactorResourceFactory() {
			return FACTORY;
		}

	}

}
