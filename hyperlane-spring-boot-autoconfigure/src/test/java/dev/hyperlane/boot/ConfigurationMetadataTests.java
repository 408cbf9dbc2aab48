package dev.hyperlane.boot;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.ArrayList;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hyperlane.boot.client.ClientOptions;
import dev.hyperlane.boot.client.ClientSettings;
import dev.hyperlane.boot.loadbalancer.LoadBalancerSettings;
import dev.hyperlane.boot.observability.ObservabilitySettings;
import dev.hyperlane.boot.server.ServerSettings;
import dev.hyperlane.boot.testsupport.BoundProperties;
import dev.hyperlane.boot.transport.TransportAutoConfiguration;
import dev.hyperlane.boot.transport.TransportResources;
import org.jspecify.annotations.Nullable;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The IDE metadata that the configuration processor generates: every {@code hyperlane.*} property is there with a
 * plain-text description that does not repeat its default, the enum properties have value hints, list properties
 * show their default, the client defaults shown are the ones applied, and a client is not offered the options of a
 * listening socket.
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

	@Test
	void descriptionsArePlainTextAndDoNotRepeatTheirDefault() throws IOException {
		JsonNode metadata = hyperlaneMetadata();
		List<JsonNode> described = new ArrayList<>();
		metadata.get("properties").forEach(described::add);
		metadata.get("groups").forEach(described::add);
		for (JsonNode item : described) {
			String name = item.get("name").asText();
			String description = item.path("description").asText();
			assertThat(description).as("description of " + name).doesNotContain("{@", "<code>", "<p>");
			assertThat(description).as("description of " + name)
				.doesNotContainPattern("(^|[.;:] )(Default|Defaults|By default)\\b")
				.doesNotContainPattern("(?i)\\b(unset|off|on) by default");
			JsonNode value = item.path("defaultValue");
			if (value.isValueNode() && !value.isBoolean() && value.asText().matches(".*\\d.*")) {
				assertThat(mentions(description, value.asText())).as("%s repeats its default %s", name, value)
					.isFalse();
			}
		}
	}

	@Test
	void listPropertiesShowTheirDefault() throws Exception {
		JsonNode metadata = hyperlaneMetadata();
		List<String> checked = new ArrayList<>();
		for (JsonNode property : metadata.get("properties")) {
			String name = property.get("name").asText();
			if (!property.path("type").asText().startsWith("java.util.List") || !property.has("sourceType")) {
				continue;
			}
			Object initial = initialValue(property.get("sourceType").asText(), name);
			if (initial instanceof List<?> list && !list.isEmpty()) {
				assertThat(property.path("defaultValue").isArray()).as("default of " + name).isTrue();
				assertThat(property.get("defaultValue").size()).as("default of " + name).isEqualTo(list.size());
				checked.add(name);
			}
		}
		assertThat(checked).contains("hyperlane.deadline.headers", "hyperlane.loadbalancer.retry.status-codes",
				"hyperlane.observability.metrics.latency-buckets", "hyperlane.server.compression.mime-types");
	}

	@Test
	void clientDefaultsInTheMetadataAreTheDefaultsApplied() throws IOException {
		JsonNode metadata = hyperlaneMetadata();
		Map<String, JsonNode> byName = new HashMap<>();
		metadata.get("properties").forEach((property) -> byName.put(property.get("name").asText(), property));
		assertThat(byName).containsKeys("hyperlane.client.defaults.read-idle-timeout",
				"hyperlane.client.defaults.streaming-media-types", "hyperlane.server.socket.backlog");
		for (String listenerOption : List.of("backlog", "reuse-address", "reuse-port", "tcp-fast-open")) {
			assertThat(byName).as("a client has no listening socket")
				.doesNotContainKey("hyperlane.client.defaults.socket." + listenerOption);
		}
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(TransportAutoConfiguration.class))
			.run((context) -> {
				ClientSettings defaults = ClientSettings.resolve(null,
						BoundProperties.bind("hyperlane.client.defaults", ClientOptions.class), null,
						context.getBean(TransportResources.class).socketOptionMapper());
				List<String> checked = new ArrayList<>();
				defaults.effective().forEach((key, setting) -> {
					if (setting.source() != SettingSource.DEFAULT || setting.value() == null) {
						return;
					}
					String name = key.startsWith("hyperlane.") ? key : "hyperlane.client.defaults." + key;
					JsonNode documented = byName.get(name);
					assertThat(documented).as(name).isNotNull();
					assertThat(documented.has("defaultValue")).as("default of " + name).isTrue();
					assertThat(sameValue(documented.get("defaultValue"), setting.value()))
						.as("%s: metadata says %s, applied %s", name, documented.get("defaultValue"), setting.value())
						.isTrue();
					checked.add(name);
				});
				assertThat(checked).contains("hyperlane.client.defaults.response-timeout",
						"hyperlane.client.defaults.streaming-media-types",
						"hyperlane.client.defaults.socket.keep-alive-idle");
			});
	}

	@Test
	void descriptorDefaultsAreTheDefaultsInTheMetadata() throws IOException {
		Map<String, JsonNode> byName = new HashMap<>();
		hyperlaneMetadata().get("properties")
			.forEach((property) -> byName.put(property.get("name").asText(), property));
		List<String> checked = new ArrayList<>();
		checkDefaults(byName, "hyperlane.server.", ServerSettings.SETTINGS, checked);
		checkDefaults(byName, "hyperlane.client.defaults.", ClientSettings.SETTINGS, checked);
		checkDefaults(byName, "hyperlane.transport.", TransportResources.SETTINGS, checked);
		checkDefaults(byName, "hyperlane.observability.", ObservabilitySettings.SETTINGS, checked);
		checkDefaults(byName, "hyperlane.loadbalancer.", LoadBalancerSettings.SETTINGS, checked);
		checkDefaults(byName, "hyperlane.server.socket.", ServerSettings.SOCKET_SETTINGS, checked);
		checkDefaults(byName, "hyperlane.client.defaults.socket.", ClientSettings.SOCKET_SETTINGS, checked);
		assertThat(checked).contains("hyperlane.server.idle-timeout", "hyperlane.server.max-header-size",
				"hyperlane.server.compression.mime-types", "hyperlane.server.concurrency-limit.algorithm",
				"hyperlane.server.http2.max-concurrent-streams", "hyperlane.client.defaults.response-timeout",
				"hyperlane.client.defaults.retry.budget-percent", "hyperlane.client.defaults.read-idle-timeout",
				"hyperlane.transport.allocator", "hyperlane.transport.event-loop-threads",
				"hyperlane.observability.metrics.latency-buckets", "hyperlane.observability.tracing.handler-scope",
				"hyperlane.loadbalancer.strategy", "hyperlane.loadbalancer.ejection.max-percent",
				"hyperlane.loadbalancer.slow-start.window", "hyperlane.loadbalancer.retry.status-codes",
				"hyperlane.loadbalancer.hedging.delay", "hyperlane.loadbalancer.hedging.budget-percent",
				"hyperlane.server.socket.keep-alive-idle", "hyperlane.server.socket.reuse-address",
				"hyperlane.server.socket.backlog", "hyperlane.client.defaults.socket.keep-alive-count",
				"hyperlane.client.defaults.socket.write-buffer-high-water-mark");
	}

	private static void checkDefaults(Map<String, JsonNode> byName, String prefix,
			List<? extends Setting<?, ?>> settings, List<String> checked) {
		for (Setting<?, ?> setting : settings) {
			String name = prefix + setting.name();
			JsonNode documented = byName.get(name);
			assertThat(documented).as(name + " is in the metadata").isNotNull();
			Object value = setting.defaultValue();
			if (value == null) {
				assertThat(documented.has("defaultValue")).as("%s is unset or derived, the metadata says %s", name,
						documented.get("defaultValue")).isFalse();
			}
			else {
				assertThat(documented.has("defaultValue")).as("default of " + name).isTrue();
				assertThat(sameValue(documented.get("defaultValue"), value))
					.as("%s: metadata says %s, the descriptor %s", name, documented.get("defaultValue"), value)
					.isTrue();
			}
			checked.add(name);
		}
	}

	private static boolean mentions(String description, String value) {
		List<String> forms = new ArrayList<>(List.of(value));
		Matcher unit = Pattern.compile("(\\d+)([a-zA-Z]+)").matcher(value);
		if (unit.matches()) {
			forms.add(unit.group(1) + " " + unit.group(2));
		}
		if (value.endsWith(".0")) {
			forms.add(value.substring(0, value.length() - 2));
		}
		return forms.stream()
			.anyMatch((form) -> form.length() > 1
					&& Pattern.compile("(?<![\\w.])" + Pattern.quote(form) + "(?!\\w)")
						.matcher(description)
						.find());
	}

	private static boolean sameValue(JsonNode documented, Object applied) {
		if (applied instanceof Duration duration) {
			return DurationStyle.detectAndParse(documented.asText()).equals(duration);
		}
		if (applied instanceof DataSize size) {
			return DataSize.parse(documented.asText()).equals(size);
		}
		if (applied instanceof Number number) {
			return documented.isNumber() && documented.asDouble() == number.doubleValue();
		}
		if (applied instanceof Boolean bool) {
			return documented.isBoolean() && documented.asBoolean() == bool;
		}
		if (applied instanceof Enum<?> constant) {
			return documented.asText().equals(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
		}
		if (applied instanceof List<?> list) {
			if (!documented.isArray() || documented.size() != list.size()) {
				return false;
			}
			for (int i = 0; i < list.size(); i++) {
				if (!sameValue(documented.get(i), list.get(i))) {
					return false;
				}
			}
			return true;
		}
		return documented.asText().equals(String.valueOf(applied));
	}

	private static @Nullable Object initialValue(String sourceType, String name) throws Exception {
		Class<?> type = Class.forName(sourceType);
		// a record is bound through its constructor: its defaults are what binding nothing gives
		Object instance = type.isRecord() ? new Binder().bindOrCreate("hyperlane", type)
				: type.getDeclaredConstructor().newInstance();
		String last = name.substring(name.lastIndexOf('.') + 1);
		StringBuilder getter = new StringBuilder(type.isRecord() ? "" : "get");
		for (String word : last.split("-")) {
			getter.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
		}
		if (type.isRecord()) {
			getter.setCharAt(0, Character.toLowerCase(getter.charAt(0)));
		}
		Method method = type.getMethod(getter.toString());
		return method.invoke(instance);
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
