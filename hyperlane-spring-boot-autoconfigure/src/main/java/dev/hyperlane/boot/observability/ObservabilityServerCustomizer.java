package dev.hyperlane.boot.observability;

import java.util.function.Function;

import dev.hyperlane.boot.server.HyperlaneServerFactoryCustomizer;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Turns on Reactor Netty's server meters ({@code reactor.netty.http.server.*}, plus the allocator and event-loop
 * gauges Reactor Netty registers with them) on Spring Boot's Netty server, with the route template as the
 * {@code uri} tag. Spring Boot never turns them on (spring-boot #19388). Runs after Hyperlane's server tuning
 * ({@link HyperlaneServerFactoryCustomizer#ORDER} + 1), so the server it instruments is the tuned one.
 */
public final class ObservabilityServerCustomizer
		implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	private final Function<String, String> uriTagValue;

	/**
	 * Create the customizer.
	 * @param uriTagValue maps a raw path to its uri tag
	 */
	public ObservabilityServerCustomizer(Function<String, String> uriTagValue) {
		this.uriTagValue = uriTagValue;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		factory.addServerCustomizers((server) -> server.metrics(true, this.uriTagValue));
	}

	@Override
	public int getOrder() {
		return HyperlaneServerFactoryCustomizer.ORDER + 1;
	}

}
