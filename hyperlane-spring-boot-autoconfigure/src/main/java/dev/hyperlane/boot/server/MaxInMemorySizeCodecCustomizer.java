package dev.hyperlane.boot.server;

import java.util.Objects;

import org.springframework.boot.http.codec.CodecCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.codec.CodecConfigurer;
import org.springframework.util.unit.DataSize;

/**
 * Sets the largest body Spring's codecs gather in memory to {@code hyperlane.server.max-in-memory-size}, or to
 * Spring Boot's {@code spring.http.codecs.max-in-memory-size} when only that is set (see {@link ServerSettings}).
 * A request body above it fails decoding with {@code DataBufferLimitException}, which Spring WebFlux answers with
 * {@code 413 Content Too Large}. Runs after Spring Boot's own codec customizer (order 0), so the resolved value is the
 * one in force; an application's {@link CodecCustomizer} with a later order still wins.
 */
public final class MaxInMemorySizeCodecCustomizer implements CodecCustomizer, Ordered {

	/** The order: right after Spring Boot's default codec customizer. */
	public static final int ORDER = 10;

	private final int maxInMemorySize;

	/**
	 * Create a customizer from the resolved server settings.
	 * @param settings the settings holding {@code hyperlane.server.max-in-memory-size}
	 */
	public MaxInMemorySizeCodecCustomizer(ServerSettings settings) {
		DataSize size = Objects.requireNonNull(settings.get(ServerSettings.MAX_IN_MEMORY_SIZE));
		this.maxInMemorySize = (int) size.toBytes();
	}

	@Override
	public void customize(CodecConfigurer configurer) {
		configurer.defaultCodecs().maxInMemorySize(this.maxInMemorySize);
	}

	@Override
	public int getOrder() {
		return ORDER;
	}

}
