package dev.hyperlane.boot.actuate;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The live view: a page next to the actuator endpoints ({@code <management base path>/hyperlane-view}, by default
 * {@code /actuator/hyperlane-view}) that polls the {@code hyperlane} endpoint and draws pool saturation,
 * per-instance balancer latency and share of requests, ejections and direct memory. Bound through the constructor:
 * each default is the component's {@link DefaultValue}, which the IDE metadata shows too; {@link LiveViewPage}
 * checks the bounds.
 *
 * @param enabled Whether to serve the live view page. The page shows what the hyperlane endpoint shows, to whoever
 * can read that endpoint.
 * @param pollInterval Time between two reads of the hyperlane endpoint by an open page, from 250ms to 60s.
 * @param history Time span the page keeps and draws, from 1m to 1h.
 */
@ConfigurationProperties("hyperlane.live-view")
public record LiveViewProperties(@DefaultValue("false") boolean enabled, @DefaultValue("2s") Duration pollInterval,
		@DefaultValue("5m") Duration history) {

}
