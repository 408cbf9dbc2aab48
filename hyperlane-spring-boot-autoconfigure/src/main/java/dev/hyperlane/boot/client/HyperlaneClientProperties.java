package dev.hyperlane.boot.client;

import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tuning of the Reactor Netty clients behind every {@code WebClient}: settings for all downstream services and
 * per service, keyed by the host name the service is called with. Bound through the constructor.
 *
 * @param enabled Whether Hyperlane tunes the WebClient's Reactor Netty client.
 * @param defaults Settings for every downstream service; a service's own settings override them.
 * @param services Settings per downstream service, keyed by the host name in its URLs (case-insensitive). Each
 * service gets its own connection pool.
 */
@ConfigurationProperties("hyperlane.client")
public record HyperlaneClientProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue @NestedConfigurationProperty ClientOptions defaults,
		@DefaultValue Map<String, ClientOptions> services) {

}
