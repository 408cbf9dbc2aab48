package dev.hyperlane.boot.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The live view: a page next to the actuator endpoints ({@code <management base path>/hyperlane-view}, by default
 * {@code /actuator/hyperlane-view}) that polls the {@code hyperlane} endpoint and draws pool saturation,
 * per-instance balancer latency and share of requests, ejections and direct memory.
 */
@ConfigurationProperties("hyperlane.live-view")
public class LiveViewProperties {

	/**
	 * Whether to serve the live view page. The page shows what the hyperlane endpoint shows, to whoever can read
	 * that endpoint.
	 */
	private boolean enabled = false;

	/**
	 * Time between two reads of the hyperlane endpoint by an open page, from 250ms to 60s.
	 */
	private Duration pollInterval = Duration.ofSeconds(2);

	/**
	 * Time span the page keeps and draws, from 1m to 1h.
	 */
	private Duration history = Duration.ofMinutes(5);

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getHistory() {
		return this.history;
	}

	public void setHistory(Duration history) {
		this.history = history;
	}

}
