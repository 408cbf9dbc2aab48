package dev.hyperlane.benchmark.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The instances' servers, in a JVM of their own so that the caller's heap holds only what the caller keeps: a few
 * Reactor Netty servers on free ports of every local address ({@code 0.0.0.0}), each answering {@code ok}. The
 * caller reaches them through distinct loopback addresses ({@code 127.1.x.y}, all of 127/8 is local on Linux), so
 * every instance has an address, balancer state, connection pool and meters of its own, as on a network. Writes
 * the ports to a file, one a line, and stops after a bounded time.
 */
final class Backends {

	private Backends() {
	}

	static void run(int count, Path portsFile, Duration lifetime) throws IOException, InterruptedException {
		List<DisposableServer> servers = new ArrayList<>();
		List<String> ports = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			DisposableServer server = HttpServer.create()
				.host("0.0.0.0")
				.port(0)
				.handle((request, response) -> response.sendString(Mono.just("ok")))
				.bindNow();
			servers.add(server);
			ports.add(String.valueOf(server.port()));
		}
		Path written = portsFile.resolveSibling(portsFile.getFileName() + ".tmp");
		Files.write(written, ports);
		Files.move(written, portsFile);
		Thread.sleep(lifetime.toMillis());
		servers.forEach(DisposableServer::disposeNow);
	}

}
