package dev.hyperlane.boot.transport;

import java.util.Map;

/**
 * The outcome of choosing a transport: what was asked for, what runs, and why.
 *
 * @param requested the value of {@code hyperlane.transport.type}
 * @param transport the transport in use
 * @param reason why this transport, in one sentence
 * @param unavailable native transports that could not load, by name, with the cause Netty gave
 */
public record TransportSelection(TransportType requested, Transport transport, String reason,
		Map<String, String> unavailable) {

}
