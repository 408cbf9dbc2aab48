package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.SettingSource;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SocketSettings}: socket options resolved on the one settings pipeline, a service's own value
 * over the defaults over the role's default, unset options left to the transport, range checks naming the
 * property that set the value. The options are bound from properties, as in an application.
 */
class SocketSettingsTests {

	private static final List<Setting<SocketOptionsProperties, ?>> CLIENT = SocketSettings
		.connectionTable(List.of(SocketSettings.KEEP_ALIVE_IDLE.withDefault(Duration.ofSeconds(60), "probes early")));

	@Test
	void mostSpecificLayerWinsAndEachValueKeepsItsSource() {
		SocketOptionsProperties own = socket("keep-alive-idle", "20");
		SocketOptionsProperties defaults = socket("keep-alive-idle", "40s", "keep-alive-count", "7");
		SocketSettings settings = SocketSettings.resolve(CLIENT,
				List.of(SettingResolver.Layer.nullable("hyperlane.client.services.payments.socket", own),
						SettingResolver.Layer.nullable("hyperlane.client.defaults.socket", defaults)),
				"hyperlane.client.defaults.socket");
		assertThat(settings.values()).containsEntry(SocketOption.KEEP_ALIVE_IDLE, Duration.ofSeconds(20))
			.containsEntry(SocketOption.KEEP_ALIVE_COUNT, 7)
			.doesNotContainKey(SocketOption.TCP_NO_DELAY);
		assertThat(settings.effective().get("hyperlane.client.services.payments.socket.keep-alive-idle").source())
			.isEqualTo(SettingSource.PROPERTY);
		assertThat(settings.effective().get("hyperlane.client.defaults.socket.keep-alive-count").source())
			.isEqualTo(SettingSource.PROPERTY);
		assertThat(settings.effective().get("hyperlane.client.defaults.socket.tcp-no-delay").source())
			.isEqualTo(SettingSource.LIBRARY_DEFAULT);
		assertThat(settings.byName()).as("a client has no listening socket").doesNotContainKeys("backlog",
				"reuse-port", "reuse-address", "tcp-fast-open");
	}

	@Test
	void roleDefaultAppliesWhenNothingIsSet() {
		SocketSettings settings = SocketSettings.resolve(CLIENT,
				List.of(SettingResolver.Layer.nullable("hyperlane.client.defaults.socket", SocketOptionsProperties.NONE)),
				"hyperlane.client.defaults.socket");
		assertThat(settings.values()).containsOnlyKeys(SocketOption.KEEP_ALIVE_IDLE);
		assertThat(settings.byName().get("keep-alive-idle").source()).isEqualTo(SettingSource.DEFAULT);
		assertThat(settings.byName().get("keep-alive-idle").reason()).isEqualTo("probes early");
	}

	@Test
	void waterMarksBecomeOneOptionAndAreCheckedTogether() {
		SocketOptionsProperties server = socket("write-buffer-high-water-mark", "128KB", "backlog", "64");
		List<Setting<SocketOptionsProperties, ?>> table = SocketSettings.listenerTable(List.of());
		SocketSettings settings = SocketSettings.resolve(table,
				List.of(SettingResolver.Layer.nullable("hyperlane.server.socket", server)), "hyperlane.server.socket");
		assertThat(settings.values()).containsEntry(SocketOption.BACKLOG, 64);
		WriteBufferWaterMark mark = (WriteBufferWaterMark) settings.values().get(SocketOption.WRITE_BUFFER_WATER_MARK);
		assertThat(mark.low()).isEqualTo(WriteBufferWaterMark.DEFAULT.low());
		assertThat(mark.high()).isEqualTo(128 * 1024);
		SocketOptionsProperties crossed = socket("write-buffer-high-water-mark", "128KB",
				"write-buffer-low-water-mark", "256KB");
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> SocketSettings.resolve(table,
					List.of(SettingResolver.Layer.nullable("hyperlane.server.socket", crossed)), "hyperlane.server.socket"))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("hyperlane.server.socket.write-buffer-high-water-mark"));
	}

	@Test
	void outOfRangeValueNamesThePropertyThatSetIt() {
		SocketOptionsProperties own = socket("keep-alive-idle", "40000s");
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> SocketSettings.resolve(CLIENT,
					List.of(SettingResolver.Layer.nullable("hyperlane.client.services.payments.socket", own)),
					"hyperlane.client.defaults.socket"))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("hyperlane.client.services.payments.socket.keep-alive-idle");
				assertThat(ex.getAction()).contains("1s to 32767s");
			});
	}

	/**
	 * Bind socket options the way the application's properties are bound (a bare number of seconds included).
	 * @param nameValuePairs property names below {@code socket} and their values
	 * @return the bound options
	 */
	private static SocketOptionsProperties socket(String... nameValuePairs) {
		Map<String, String> properties = new LinkedHashMap<>();
		for (int i = 0; i < nameValuePairs.length; i += 2) {
			properties.put("socket." + nameValuePairs[i], nameValuePairs[i + 1]);
		}
		return new Binder(new MapConfigurationPropertySource(properties)).bindOrCreate("socket",
				SocketOptionsProperties.class);
	}

}
