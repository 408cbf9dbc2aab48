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
 */
public final class TransportSelector {

	static final String PROPERTY = "hyperlane.transport.type";

	/** Looked up by name (registered as a type hint by {@link TransportRuntimeHints}). */
	static final String IO_URING_CLASS = "io.netty.channel.uring.IoUring";

	/** Looked up by name (registered as a type hint by {@link TransportRuntimeHints}). */
	static final String EPOLL_CLASS = "io.netty.channel.epoll.Epoll";

	private final ClassLoader classLoader;

	/**
	 * Create a selector that looks for the native transport classes with the given class loader.
	 * @param classLoader the class loader
	 */
	public TransportSelector(ClassLoader classLoader) {
		this.classLoader = classLoader;
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
				yield new TransportSelection(requested, IoUringTransport.INSTANCE, "requested by " + PROPERTY,
						unavailable);
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
		if (ioUringProblem == null) {
			return new TransportSelection(requested, IoUringTransport.INSTANCE,
					"auto: io_uring native library loaded and the kernel accepted an io_uring instance", unavailable);
		}
		if (epollProblem == null) {
			return new TransportSelection(requested, EpollTransport.INSTANCE,
					"auto: io_uring unavailable (" + ioUringProblem + "); epoll native library loaded", unavailable);
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
