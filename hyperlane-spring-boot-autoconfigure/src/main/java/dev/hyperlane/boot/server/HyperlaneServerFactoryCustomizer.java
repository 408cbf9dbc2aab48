package dev.hyperlane.boot.server;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.Http2;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;

/**
 * Adds the {@link HyperlaneServerTuner} as the last {@code NettyServerCustomizer} of Boot's Netty server factory.
 * Spring Boot's own {@code NettyReactiveWebServerFactoryCustomizer} has order 0 and adds its
 * {@code server.netty.*} customizers to the factory; this one runs after it, so the tuner sees (and keeps) what
 * Boot and user customizers configured. A user's {@code WebServerFactoryCustomizer} with a lower precedence than
 * {@link #ORDER} can still add customizers that run after Hyperlane's. It also hands the resolved
 * {@code hyperlane.server.http2.enabled} to the factory, so that the TLS context Boot builds from
 * {@code server.ssl.bundle} offers {@code h2} through ALPN.
 */
public final class HyperlaneServerFactoryCustomizer
		implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory>, Ordered {

	/** The order: after Spring Boot's customizers, before {@code Ordered.LOWEST_PRECEDENCE}. */
	public static final int ORDER = Ordered.LOWEST_PRECEDENCE - 1000;

	private final HyperlaneServerTuner tuner;

	/**
	 * Create a customizer that adds the given tuner.
	 * @param tuner the tuner
	 */
	public HyperlaneServerFactoryCustomizer(HyperlaneServerTuner tuner) {
		this.tuner = tuner;
	}

	@Override
	public void customize(NettyReactiveWebServerFactory factory) {
		boolean http2 = Boolean.TRUE.equals(this.tuner.appliedSettings().get(ServerSettings.HTTP2_ENABLED));
		if (factory.getHttp2() == null || factory.getHttp2().isEnabled() != http2) {
			// Boot builds its TLS context from this flag: with HTTP/2 on, ALPN offers h2 next to http/1.1
			Http2 settings = new Http2();
			settings.setEnabled(http2);
			factory.setHttp2(settings);
		}
		factory.addServerCustomizers(this.tuner::apply);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
