package dev.hyperlane.boot.runtime;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.hyperlane.boot.ChangedDefault;
import org.junit.jupiter.api.Test;
import tools.jackson.core.util.BufferRecycler;
import tools.jackson.core.util.JsonRecyclerPools;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.ResolvableType;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.http.codec.json.JacksonJsonEncoder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link JsonBuffersAutoConfiguration}, with Spring Boot's Jackson auto-configuration and Spring's WebFlux
 * JSON encoder.
 */
class JsonBuffersAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(
			AutoConfigurations.of(JsonBuffersAutoConfiguration.class, JacksonAutoConfiguration.class,
					RuntimeAutoConfiguration.class));

	@Test
	void bootsJsonMapperKeepsItsBuffersPerThreadAndBootsCustomizations() {
		this.runner.withPropertyValues("spring.jackson.serialization.indent-output=true").run((context) -> {
			JsonMapper mapper = context.getBean(JsonMapper.class);
			assertThat(mapper.tokenStreamFactory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.threadLocalPool());
			assertThat(mapper.isEnabled(SerializationFeature.INDENT_OUTPUT)).isTrue();
			// a departure from Boot's behaviour: listed at start-up and in the runtime section
			RuntimeSection runtime = context.getBean(RuntimeSection.class);
			assertThat(runtime.changedBootDefaults()).containsExactly(new ChangedDefault(JsonBuffers.PROPERTY, "true"));
			assertThat(runtime.describe().get("jsonBufferPool")).asString().startsWith("per thread");
		});
	}

	@Test
	void springsEncoderReusesTheThreadsBuffersFromOneResponseToTheNext() {
		this.runner.run((context) -> {
			JsonMapper mapper = context.getBean(JsonMapper.class);
			JacksonJsonEncoder encoder = new JacksonJsonEncoder(mapper);
			encode(encoder);
			// the encoder returned its buffers to the thread's recycler: the next response gets the same array
			BufferRecycler recycler = mapper.tokenStreamFactory()._getBufferRecycler();
			byte[] buffer = recycler.allocByteBuffer(BufferRecycler.BYTE_WRITE_ENCODING_BUFFER);
			recycler.releaseByteBuffer(BufferRecycler.BYTE_WRITE_ENCODING_BUFFER, buffer);
			recycler.releaseToPool();
			encode(encoder);
			BufferRecycler again = mapper.tokenStreamFactory()._getBufferRecycler();
			assertThat(again).isSameAs(recycler);
			assertThat(again.allocByteBuffer(BufferRecycler.BYTE_WRITE_ENCODING_BUFFER)).isSameAs(buffer);
		});
	}

	@Test
	void switchedOffLeavesBootsBuilder() {
		this.runner.withPropertyValues("hyperlane.jackson.thread-local-buffers=false").run((context) -> {
			JsonMapper mapper = context.getBean(JsonMapper.class);
			assertThat(mapper.tokenStreamFactory()._getRecyclerPool()).isNotSameAs(JsonRecyclerPools.threadLocalPool());
			assertThat(context.getBean(RuntimeSection.class).changedBootDefaults()).isEmpty();
		});
	}

	@Test
	void theApplicationsOwnBuilderIsKept() {
		JsonMapper.Builder own = JsonMapper.builder();
		this.runner.withBean(JsonMapper.Builder.class, () -> own).run((context) -> {
			assertThat(context.getBean(JsonMapper.Builder.class)).isSameAs(own);
			assertThat(context.getBean(JsonMapper.class).tokenStreamFactory()._getRecyclerPool())
				.isNotSameAs(JsonRecyclerPools.threadLocalPool());
			assertThat(context).doesNotHaveBean(JsonBuffers.class);
			assertThat(context.getBean(RuntimeSection.class).changedBootDefaults()).isEmpty();
		});
	}

	private static void encode(JacksonJsonEncoder encoder) {
		DataBuffer buffer = encoder.encodeValue(Map.of("name", "value"), DefaultDataBufferFactory.sharedInstance,
				ResolvableType.forClass(Map.class), MediaType.APPLICATION_JSON, null);
		assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("\"name\"");
	}

}
