package dev.hyperlane.boot.transport;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.hyperlane.boot.HyperlaneSettingException;

import org.springframework.util.ClassUtils;

/**
 * Chooses the transport for {@code hyperlane.transport.type}: {@code auto} takes io_uring when its native library
 * loads, else epoll, else NIO; an explicit native choice that cannot load fails start-up with Netty's reason.
 * <p>
 * io_uring runs with single accepts: when io_uring may be chosen ({@code auto} or {@code io-uring}) and
 * {@code io.netty.iouring.acceptMultiShotEnabled} is unset, the selector sets it to {@code false} before Netty's
 * io_uring classes load (they read it once). With Netty's default, multishot accept (4.2.15 and 4.2.18 alike), one
 * armed accept takes every connection waiting in the backlog, and the new connections then compete with the ones
 * already streaming data; epoll and io_uring with single accepts take connections in turns with reading them. Under
 * 550 clients each sending 1,000,000 bytes of a body and going silent ({@code benchmarks/hostile/soak.sh}: 64 MB of
 * direct memory, {@code max-connections} 256) io_uring with multishot accept had 222 connections open with only 147
 * requests read and refused 215-276 connections on accept in each run, a normal request among them
 * ({@code Connection reset}) in one of two runs on Netty 4.2.15; epoll, NIO and io_uring with single accepts refused
 * none on accept and passed every round. Multishot accept also spins a core at the file-descriptor limit
 * ({@code AcceptAtFileLimitTests}). Keep-alive traffic does not depend on the accept mode, and there io_uring served
 * 1.45-1.59 times the requests of epoll per second at 0.55-0.64 times the server CPU per request (the benchmark
 * target, GET /plaintext and /json at 64 and 256 connections, medians of three interleaved runs). When multishot accept stays on (set to {@code true}, or Netty's io_uring classes loaded
 * before the selector ran), {@code auto} takes epoll instead and says why; {@code io-uring} asked for by name still
 * runs, with a warning in the endpoint's advice. Figures and commands: {@code
 * benchmarks/results/hostile-soak-2026-12-05.md}.
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
		if (requested == TransportType.AUTO || requested == TransportType.IO_URING) {
			singleAcceptsUnlessSet();
		}
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

	/**
	 * Set {@code io.netty.iouring.acceptMultiShotEnabled} to {@code false} unless the application set it. It takes
	 * effect only if Netty's io_uring classes have not loaded yet; the selection then reads what Netty uses.
	 * @return whether this call set it
	 */
	static boolean singleAcceptsUnlessSet() {
		synchronized (System.getProperties()) {
			if (System.getProperty(ACCEPT_MULTISHOT_PROPERTY) != null) {
				return false;
			}
			System.setProperty(ACCEPT_MULTISHOT_PROPERTY, "false");
			return true;
		}
	}

	private TransportSelection auto(TransportType requested, String ioUringProblem, String epollProblem,
			Map<String, String> unavailable) {
		if (ioUringProblem == null && !this.acceptMultishot.getAsBoolean()) {
			return new TransportSelection(requested, IoUringTransport.INSTANCE,
					"auto: io_uring native library loaded, the kernel accepted an io_uring instance, and Netty's"
							+ " multishot accept is off (" + ACCEPT_MULTISHOT_PROPERTY + "=false, which Hyperlane sets"
							+ " when it is unset), so connections are accepted in turns with reads", unavailable);
		}
		if (epollProblem == null) {
			String why = (ioUringProblem != null) ? "io_uring unavailable (" + ioUringProblem + ")"
					: "io_uring not chosen: " + MULTISHOT_ACCEPT_ON + "; leave -D" + ACCEPT_MULTISHOT_PROPERTY
							+ " unset (or false) to let auto take io_uring";
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
