package dev.hyperlane.boot.client;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;

/**
 * Tuning of the Reactor Netty clients behind every {@code WebClient}: settings for all downstream services and
 * per service, keyed by the host name the service is called with.
 */
@ConfigurationProperties("hyperlane.client")
public class HyperlaneClientProperties {

	/**
	 * Whether Hyperlane tunes the WebClient's Reactor Netty client.
	 */
	private boolean enabled = true;

	/**
	 * Settings for every downstream service; a service's own settings override them.
	 */
	@NestedConfigurationProperty
	private ClientOptions defaults = new ClientOptions();

	/**
	 * Settings per downstream service, keyed by the host name in its URLs (case-insensitive). Each service gets
	 * its own connection pool.
	 */
	private Map<String, ClientOptions> services = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public ClientOptions getDefaults() {
		return this.defaults;
	}

	public void setDefaults(ClientOptions defaults) {
		this.defaults = defaults;
	}

	public Map<String, ClientOptions> getServices() {
		return this.services;
	}

	public void setServices(Map<String, ClientOptions> services) {
		this.services = services;
	}

}
