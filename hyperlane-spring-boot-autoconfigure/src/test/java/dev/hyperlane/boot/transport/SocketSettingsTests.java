package dev.hyperlane.boot.transport;

import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.Setting;
import dev.hyperlane.boot.SettingResolver;
import dev.hyperlane.boot.SettingSource;
import io.netty.channel.WriteBufferWaterMark;
import org.junit.jupiter.api.Test;

import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link SocketSettings}: socket options resolved on the one settings pipeline, a service's own value
 * over the defaults over the role's default, unset options left to the transport, range checks naming the
 * property that set the value.
 */
class SocketSettingsTests {

	private static final List<Setting<SocketOptionsProperties, ?>> CLIENT = SocketSettings
		.connectionTable(List.of(SocketSettings.KEEP_ALIVE_IDLE.withDefault(Duration.ofSeconds(60), "probes early")));

	@Test
	void mostSpecificLayerWinsAndEachValueKeepsItsSource() {
		SocketOptionsProperties own = new SocketOptionsProperties();
		own.setKeepAliveIdle(Duration.ofSeconds(20));
		SocketOptionsProperties defaults = new SocketOptionsProperties();
		defaults.setKeepAliveIdle(Duration.ofSeconds(40));
		defaults.setKeepAliveCount(7);
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
				List.of(SettingResolver.Layer.nullable("hyperlane.client.defaults.socket", new SocketOptionsProperties())),
				"hyperlane.client.defaults.socket");
		assertThat(settings.values()).containsOnlyKeys(SocketOption.KEEP_ALIVE_IDLE);
		assertThat(settings.byName().get("keep-alive-idle").source()).isEqualTo(SettingSource.DEFAULT);
		assertThat(settings.byName().get("keep-alive-idle").reason()).isEqualTo("probes early");
	}

	@Test
	void waterMarksBecomeOneOptionAndAreCheckedTogether() {
		ServerSocketOptionsProperties server = new ServerSocketOptionsProperties();
		server.setWriteBufferHighWaterMark(DataSize.ofKilobytes(128));
		server.setBacklog(64);
		List<Setting<SocketOptionsProperties, ?>> table = SocketSettings.listenerTable(List.of());
		SocketSettings settings = SocketSettings.resolve(table,
				List.of(SettingResolver.Layer.nullable("hyperlane.server.socket", server)), "hyperlane.server.socket");
		assertThat(settings.values()).containsEntry(SocketOption.BACKLOG, 64);
		WriteBufferWaterMark mark = (WriteBufferWaterMark) settings.values().get(SocketOption.WRITE_BUFFER_WATER_MARK);
		assertThat(mark.low()).isEqualTo(WriteBufferWaterMark.DEFAULT.low());
		assertThat(mark.high()).isEqualTo(128 * 1024);
		server.setWriteBufferLowWaterMark(DataSize.ofKilobytes(256));
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> SocketSettings.resolve(table,
					List.of(SettingResolver.Layer.nullable("hyperlane.server.socket", server)), "hyperlane.server.socket"))
			.satisfies((ex) -> assertThat(ex.getProperty()).isEqualTo("hyperlane.server.socket.write-buffer-high-water-mark"));
	}

	@Test
	void outOfRangeValueNamesThePropertyThatSetIt() {
		SocketOptionsProperties own = new SocketOptionsProperties();
		own.setKeepAliveIdle(Duration.ofSeconds(40000));
		assertThatExceptionOfType(HyperlaneSettingException.class)
			.isThrownBy(() -> SocketSettings.resolve(CLIENT,
					List.of(SettingResolver.Layer.nullable("hyperlane.client.services.payments.socket", own)),
					"hyperlane.client.defaults.socket"))
			.satisfies((ex) -> {
				assertThat(ex.getProperty()).isEqualTo("hyperlane.client.services.payments.socket.keep-alive-idle");
				assertThat(ex.getAction()).contains("1s to 32767s");
			});
	}

}
