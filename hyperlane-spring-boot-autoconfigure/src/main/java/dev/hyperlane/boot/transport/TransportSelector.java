package dev.hyperlane.boot.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.hyperlane.boot.HyperlaneSettingException;

import org.springframework.util.ClassUtils;

/**
 * Chooses the transport for {@code hyperlane.transport.type}. {@code auto} takes epoll when its native library
 * loads, and io_uring before it only when Netty's multishot accept is off
 * ({@code -Dio.netty.iouring.acceptMultiShotEnabled=false}); without a native transport, NIO. An explicit native
 * choice that cannot load fails start-up with Netty's reason.
 * <p>
 * Why not io_uring first: with multishot accept (Netty 4.2's default, 4.2.15 and 4.2.18 alike) one armed accept takes
 * every connection waiting in the backlog, and the new connections then compete with the ones already streaming
 * data; epoll and io_uring with single accepts take connections in turns with reading them. Under 550 clients each
 * sending 1,000,000 bytes of a body and going silent ({@code benchmarks/hostile/soak.sh}: 64 MB of direct memory,
 * {@code max-connections} 256) io_uring with multishot accept had 222 connections open with only 147 requests read
 * and refused 215-276 connections on accept in each run, a normal request among them ({@code Connection reset}) in one
 * of two runs on Netty 4.2.15; epoll, NIO and io_uring with single accepts refused none on accept and passed every
 * round. Multishot accept also spins a core at the file-descriptor limit ({@code AcceptAtFileLimitTests}). The switch
 * is a JVM-wide system property read once when Netty's io_uring classes load, so the starter reads it and does not
 * set it. Figures and commands: {@code benchmarks/results/hostile-soak-2026-12-05.md}.
 */
public final class TransportSelector {

	static final String PROPERTY = "hyperlane.transport.type";

	/** Looked up by name (registered as a type hint by {@link TransportRuntimeHints}). */
	static final String IO_URING_CLASS = "io.netty.channel.uring.IoUring";

	/** Looked up by name (registered as a type hint by {@link TransportRuntimeHints}). */
	static final String EPOLL_CLASS = "io.netty.channel.epoll.Epoll";

	/** Netty's switch for io_uring's multishot accept, a system property read once (default {@code true}). */
	static final String ACCEPT_MULTISHOT_PROPERTY = "io.netty.iouring.acceptMultiShotEnabled";

	/** The measured incident behind {@code auto}'s order, for the reason shown at start-up and by the endpoint. */
	static final String MULTISHOT_ACCEPT_ON = "Netty's multishot accept is on (" + ACCEPT_MULTISHOT_PROPERTY
			+ "), which takes every waiting connection at once: under 550 attacking clients an io_uring server had"
			+ " 222 connections open with 147 requests read and refused a normal client on accept, where epoll"
			+ " accepted in turns with reading (benchmarks/results/hostile-soak-2026-12-05.md)";

	private final ClassLoader classLoader;

	private final BooleanSupplier acceptMultishot;

	/**
	 * Create a selector that looks for the native transport classes with the given class loader.
	 * @param classLoader the class loader
	 */
	public TransportSelector(ClassLoader classLoader) {
		this(classLoader, IoUringTransport::acceptMultishotEnabled);
	}

	/**
	 * Create a selector that asks {@code acceptMultishot} whether io_uring's multishot accept is on.
	 * @param classLoader the class loader
	 * @param acceptMultishot whether Netty arms multishot accepts; asked only once io_uring has loaded
	 */
	TransportSelector(ClassLoader classLoader, BooleanSupplier acceptMultishot) {
		this.classLoader = classLoader;
		this.acceptMultishot = acceptMultishot;
	}

	/**
	 * Select the transport.
	 * @param requested the requested type
	 * @return the selection
	 * @throws HyperlaneSettingException when an explicitly requested native transport cannot load
	 */
	public TransportSelection select(TransportType requested) {
		Map<String, String> unavailable = new LinkedHashMap<>();
		String ioUringProblem = problem(IO_URING_CLASS, "netty-transport-native-io_uring",
				() -> IoUringTransport.isAvailable(), () -> IoUringTransport.unavailabilityCause());
		String epollProblem = problem(EPOLL_CLASS, "netty-transport-native-epoll", () -> EpollTransport.isAvailable(),
				() -> EpollTransport.unavailabilityCause());
		if (ioUringProblem != null) {
			unavailable.put("io_uring", ioUringProblem);
		}
		if (epollProblem != null) {
			unavailable.put("epoll", epollProblem);
		}
		return switch (requested) {
			case IO_URING -> {
				require("io-uring", ioUringProblem);
				yield new TransportSelection(requested, IoUringTransport.INSTANCE, "requested by " + PROPERTY
						+ (this.acceptMultishot.getAsBoolean() ? "; " + MULTISHOT_ACCEPT_ON : ""), unavailable);
			}
			case EPOLL -> {
				require("epoll", epollProblem);
				yield new TransportSelection(requested, EpollTransport.INSTANCE, "requested by " + PROPERTY,
						unavailable);
			}
			case NIO -> new TransportSelection(requested, NioTransport.INSTANCE, "requested by " + PROPERTY,
					unavailable);
			case AUTO -> auto(requested, ioUringProblem, epollProblem, unavailable);
		};
	}

	private TransportSelection auto(TransportType requested, String ioUringProblem, String epollProblem,
			Map<String, String> unavailable) {
		if (ioUringProblem == null && !this.acceptMultishot.getAsBoolean()) {
			return new TransportSelection(requested, IoUringTransport.INSTANCE,
					"auto: io_uring native library loaded, the kernel accepted an io_uring instance and multishot"
							+ " accept is off (" + ACCEPT_MULTISHOT_PROPERTY + "=false)", unavailable);
		}
		if (epollProblem == null) {
			String why = (ioUringProblem != null) ? "io_uring unavailable (" + ioUringProblem + ")"
					: "io_uring not chosen: " + MULTISHOT_ACCEPT_ON + "; start with -D" + ACCEPT_MULTISHOT_PROPERTY
							+ "=false to let auto take io_uring";
			return new TransportSelection(requested, EpollTransport.INSTANCE,
					"auto: epoll native library loaded; " + why, unavailable);
		}
		if (ioUringProblem == null) {
			return new TransportSelection(requested, IoUringTransport.INSTANCE, "auto: epoll unavailable ("
					+ epollProblem + "), io_uring loaded; " + MULTISHOT_ACCEPT_ON, unavailable);
		}
		return new TransportSelection(requested, NioTransport.INSTANCE, "auto: no native transport loaded (io_uring: "
				+ ioUringProblem + "; epoll: " + epollProblem + ")", unavailable);
	}

	private static void require(String value, String problem) {
		if (problem != null) {
			throw new HyperlaneSettingException(PROPERTY, value + " was requested but cannot be used: " + problem,
					"Run on Linux with the matching io.netty native artifact for this CPU (the Hyperlane starter brings"
							+ " x86_64 and aarch_64), or set " + PROPERTY + " to auto or nio.");
		}
	}

	private String problem(String className, String artifact, BooleanSupplier available, Supplier<Throwable> cause) {
		if (!ClassUtils.isPresent(className, this.classLoader)) {
			return "io.netty:" + artifact + " is not on the class path";
		}
		try {
			if (available.getAsBoolean()) {
				return null;
			}
			Throwable throwable = cause.get();
			return (throwable != null) ? describe(throwable) : "not available";
		}
		catch (LinkageError ex) {
			return describe(ex);
		}
	}

	private static String describe(Throwable throwable) {
		Throwable root = throwable;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return root.getClass().getSimpleName() + ((message != null) ? ": " + message : "");
	}

}
