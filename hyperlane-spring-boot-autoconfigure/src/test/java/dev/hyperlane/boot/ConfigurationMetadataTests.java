package dev.hyperlane.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata that the configuration processor generates: every {@code hyperlane.*} property is there with a
 * description, and the enum properties have value hints.
 */
class ConfigurationMetadataTests {

	@Test
	void everyPropertyIsDescribed() throws IOException {
		JsonNode metadata = hyperlaneMetadata();
		List<String> names = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asText();
			names.add(name);
			assertThat(property.path("description").asText()).as("description of " + name).isNotBlank();
		}
		assertThat(names).contains("hyperlane.enabled", "hyperlane.transport.enabled", "hyperlane.transport.type",
				"hyperlane.transport.event-loop-threads", "hyperlane.transport.allocator",
				"hyperlane.transport.prefer-direct", "hyperlane.server.enabled", "hyperlane.server.idle-timeout",
				"hyperlane.server.request-header-timeout", "hyperlane.server.read-timeout",
				"hyperlane.server.request-timeout", "hyperlane.server.max-header-size",
				"hyperlane.server.max-initial-line-length", "hyperlane.server.max-keep-alive-requests",
				"hyperlane.server.max-connections", "hyperlane.server.max-request-body-memory",
				"hyperlane.server.max-pipelined-requests", "hyperlane.server.access-log",
				"hyperlane.server.socket.keep-alive-idle", "hyperlane.server.socket.tcp-fast-open",
				"hyperlane.server.http2.enabled", "hyperlane.server.http2.max-concurrent-streams",
				"hyperlane.server.compression.enabled", "hyperlane.server.compression.min-response-size",
				"hyperlane.server.compression.mime-types", "hyperlane.server.compression.gzip-level",
				"hyperlane.live-view.enabled", "hyperlane.live-view.poll-interval", "hyperlane.live-view.history",
				"hyperlane.observability.enabled", "hyperlane.observability.uri-tag-cap",
				"hyperlane.observability.metrics.server", "hyperlane.observability.metrics.client",
				"hyperlane.observability.metrics.pools", "hyperlane.observability.metrics.allocator",
				"hyperlane.observability.metrics.event-loop", "hyperlane.observability.metrics.load-balancer",
				"hyperlane.observability.metrics.retries", "hyperlane.observability.metrics.latency-buckets",
				"hyperlane.observability.metrics.exemplars",
				"hyperlane.observability.tracing.load-balancer-instance",
				"hyperlane.observability.tracing.connection-spans");
		List<String> hints = new ArrayList<>();
		metadata.get("hints").forEach((hint) -> hints.add(hint.get("name").asText()));
		assertThat(hints).contains("hyperlane.transport.type", "hyperlane.transport.allocator");
	}

	private static JsonNode hyperlaneMetadata() throws IOException {
		ObjectMapper mapper = new ObjectMapper();
		for (URL url : Collections.list(ConfigurationMetadataTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				JsonNode metadata = mapper.readTree(in);
				for (JsonNode group : metadata.path("groups")) {
					if (group.get("name").asText().equals("hyperlane.transport")) {
						return metadata;
					}
				}
			}
		}
		throw new AssertionError("no configuration metadata with hyperlane.* groups on the class path");
	}

}
