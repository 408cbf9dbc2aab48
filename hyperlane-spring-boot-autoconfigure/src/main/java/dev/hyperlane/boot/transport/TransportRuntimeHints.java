package dev.hyperlane.boot.transport;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Runtime hints for the transport choice: {@link TransportSelector} looks the native transports' entry classes up
 * by name ({@code io.netty.channel.uring.IoUring}, {@code io.netty.channel.epoll.Epoll}) to tell "not on the class
 * path" from "cannot load"; in a native image such a look-up finds only the types that are named, so each one
 * present at build time is registered. Listed in {@code META-INF/spring/aot.factories}.
 */
class TransportRuntimeHints implements RuntimeHintsRegistrar {

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.reflection().registerTypeIfPresent(classLoader, TransportSelector.IO_URING_CLASS);
		hints.reflection().registerTypeIfPresent(classLoader, TransportSelector.EPOLL_CLASS);
	}

}
