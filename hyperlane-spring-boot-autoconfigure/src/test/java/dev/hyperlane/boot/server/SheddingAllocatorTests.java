package dev.hyperlane.boot.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A direct buffer allocation that fails for lack of direct memory, on a real Netty server with one event loop: the
 * connection that needed the buffer is closed and the event loop keeps serving. Without {@link SheddingAllocator},
 * io_uring's event loop thread ends on the {@link OutOfMemoryError} (its IO handler rethrows errors raised while a read
 * buffer is allocated for a completion) and the next connection is never answered.
 */
@Timeout(30)
class SheddingAllocatorTests {

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "io_uring", "epoll", "nio" })
	void failedDirectAllocationClosesTheConnectionAndTheEventLoopLivesOn(String transport) throws Exception {
		AtomicBoolean exhausted = new AtomicBoolean();
		ServerStatistics statistics = new ServerStatistics();
		IoHandlerFactory io = switch (transport) {
			case "io_uring" -> IoUringIoHandler.newFactory();
			case "epoll" -> EpollIoHandler.newFactory();
			default -> NioIoHandler.newFactory();
		};
		Class<? extends ServerChannel> channelType = switch (transport) {
			case "io_uring" -> IoUringServerSocketChannel.class;
			case "epoll" -> EpollServerSocketChannel.class;
			default -> NioServerSocketChannel.class;
		};
		EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
		try {
			Channel server = new ServerBootstrap().group(group)
				.channel(channelType)
				.childOption(ChannelOption.ALLOCATOR, new ExhaustibleAllocator(exhausted))
				.childHandler(new ChannelInitializer<SocketChannel>() {
					@Override
					protected void initChannel(SocketChannel channel) {
						SheddingAllocator.install(channel, statistics);
						channel.pipeline().addLast(new Echo());
					}
				})
				.bind(InetAddress.getLoopbackAddress(), 0)
				.sync()
				.channel();
			int port = ((InetSocketAddress) server.localAddress()).getPort();
			assertThat(echo(port)).isEqualTo('a');
			exhausted.set(true);
			try (Socket starved = connect(port)) {
				starved.getOutputStream().write('b');
				assertThat(closedWithoutAnswer(starved)).isTrue();
			}
			exhausted.set(false);
			assertThat(group.next().submit(() -> "alive").get(5, TimeUnit.SECONDS)).isEqualTo("alive");
			assertThat(echo(port)).isEqualTo('a');
			assertThat(statistics.counts().get(ServerStatistics.Count.DIRECT_MEMORY_EXHAUSTED)).isPositive();
		}
		finally {
			group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
		}
	}

	/**
	 * Each of the 18 ways to ask for a buffer ({@link #allocations()}) returns what the shared allocator returns for it (kind, capacities,
	 * components), wrapped for leak detection once, as the shared allocator wraps it; once direct memory is exhausted
	 * a caller that asked for direct memory gets an empty buffer, one that takes either kind a heap buffer of the
	 * capacities it asked for, each failure is counted, and the connection is closed.
	 */
	@Test
	void everyAllocationIsTheSharedAllocatorsOrItsFallback() {
		ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
		ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
		try {
			AtomicBoolean exhausted = new AtomicBoolean();
			ByteBufAllocator shared = new ExhaustibleAllocator(exhausted);
			EmbeddedChannel channel = new EmbeddedChannel();
			channel.config().setAllocator(shared);
			ServerStatistics statistics = new ServerStatistics();
			SheddingAllocator.install(channel, statistics);
			ByteBufAllocator shedding = channel.alloc();
			assertThat(shedding).isInstanceOf(SheddingAllocator.class);
			long failures = 0;
			for (Map.Entry<String, Function<ByteBufAllocator, ByteBuf>> allocation : allocations().entrySet()) {
				String expected = describe(allocation.getValue().apply(shared));
				assertThat(describe(allocation.getValue().apply(shedding))).as(allocation.getKey()).isEqualTo(expected);
				exhausted.set(true);
				String name = allocation.getKey();
				if (expected.startsWith("direct")) {
					failures++;
					// the heap fallback is Unpooled's, not tracked for leaks
					expected = name.startsWith("buffer")
							? expected.replace("direct", "heap").replace("leak wraps 1", "leak wraps 0") : "empty";
				}
				assertThat(describe(allocation.getValue().apply(shedding))).as(name + " exhausted").isEqualTo(expected);
				exhausted.set(false);
			}
			assertThat(failures).isPositive();
			assertThat(statistics.counts().get(ServerStatistics.Count.DIRECT_MEMORY_EXHAUSTED)).isEqualTo(failures);
			channel.runPendingTasks();
			assertThat(channel.isOpen()).isFalse();
		}
		finally {
			ResourceLeakDetector.setLevel(level);
		}
	}

	/**
	 * Every way {@link ByteBufAllocator} has to ask for a buffer, by its call: capacities 100 (components 100) and at
	 * most 1000.
	 */
	private static Map<String, Function<ByteBufAllocator, ByteBuf>> allocations() {
		Map<String, Function<ByteBufAllocator, ByteBuf>> allocations = new TreeMap<>();
		for (Method method : ByteBufAllocator.class.getMethods()) {
			if (ByteBuf.class.isAssignableFrom(method.getReturnType()) && !Modifier.isStatic(method.getModifiers())) {
				Object[] arguments = Arrays.copyOf(new Object[] { 100, 1000 }, method.getParameterCount());
				allocations.put(method.getName() + Arrays.toString(arguments), (allocator) -> {
					try {
						return (ByteBuf) method.invoke(allocator, arguments);
					}
					catch (ReflectiveOperationException ex) {
						throw new IllegalStateException(ex);
					}
				});
			}
		}
		assertThat(allocations).hasSize(18);
		return allocations;
	}

	/**
	 * Describe a buffer, then release it: its kind, capacities, components and how many times it is wrapped for leak
	 * detection.
	 */
	private static String describe(ByteBuf buffer) {
		try {
			if (buffer == Unpooled.EMPTY_BUFFER) {
				return "empty";
			}
			int wraps = 0;
			ByteBuf unwrapped = buffer;
			while (unwrapped.getClass().getSimpleName().contains("LeakAware")) {
				wraps++;
				unwrapped = unwrapped.unwrap();
			}
			if (unwrapped instanceof CompositeByteBuf composite) {
				// an empty composite buffer is neither kind: what it allocates as it grows is, not asked here
				return "composite of at most " + composite.maxNumComponents() + ", leak wraps " + wraps;
			}
			return (buffer.isDirect() ? "direct " : "heap ") + buffer.capacity() + "/" + buffer.maxCapacity()
					+ ", leak wraps " + wraps;
		}
		finally {
			buffer.release();
		}
	}

	private static int echo(int port) throws IOException {
		try (Socket socket = connect(port)) {
			socket.getOutputStream().write('a');
			InputStream in = socket.getInputStream();
			return in.read();
		}
	}

	private static boolean closedWithoutAnswer(Socket socket) throws IOException {
		try {
			return socket.getInputStream().read() == -1;
		}
		catch (SocketException ex) {
			// reset: closed with the request unread
			return true;
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
		socket.setSoTimeout(5000);
		return socket;
	}

	private static final class Echo extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) {
			ctx.writeAndFlush(msg);
		}

	}

	/**
	 * Direct buffers until told that direct memory is exhausted; then every direct allocation fails as the JDK's does.
	 */
	private static final class ExhaustibleAllocator extends AbstractByteBufAllocator {

		private final AtomicBoolean exhausted;

		ExhaustibleAllocator(AtomicBoolean exhausted) {
			super(true);
			this.exhausted = exhausted;
		}

		@Override
		protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
			return UnpooledByteBufAllocator.DEFAULT.heapBuffer(initialCapacity, maxCapacity);
		}

		@Override
		protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
			if (this.exhausted.get()) {
				throw new OutOfMemoryError("Cannot reserve " + initialCapacity + " bytes of direct buffer memory");
			}
			return UnpooledByteBufAllocator.DEFAULT.directBuffer(initialCapacity, maxCapacity);
		}

		@Override
		public boolean isDirectBufferPooled() {
			return false;
		}

	}

}
