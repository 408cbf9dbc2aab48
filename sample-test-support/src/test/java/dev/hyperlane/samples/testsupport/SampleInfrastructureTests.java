package dev.hyperlane.samples.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Without Docker, the local services are found where the variables say, or at the defaults, and a service that
 * is not there fails with a message that says what to start.
 */
class SampleInfrastructureTests {

	@Test
	void serviceThatAnswersIsUsed() throws IOException {
		try (ServerSocket listening = new ServerSocket(0)) {
			URI url = SampleInfrastructure.LocalServices.reachable("HYPERLANE_TEST_POSTGRES_URL",
					"postgresql://app:secret@127.0.0.1:" + listening.getLocalPort() + "/orders",
					SampleInfrastructure.DEFAULT_POSTGRES_URL, 5432, "start PostgreSQL");
			assertThat(url.getPort()).isEqualTo(listening.getLocalPort());
			assertThat(url.getUserInfo()).isEqualTo("app:secret");
		}
	}

	@Test
	void serviceThatIsNotThereSaysWhatToStart() throws IOException {
		int closed;
		try (ServerSocket socket = new ServerSocket(0)) {
			closed = socket.getLocalPort();
		}
		assertThatIllegalStateException()
			.isThrownBy(() -> SampleInfrastructure.LocalServices.reachable("HYPERLANE_TEST_REDIS_URL",
					"redis://127.0.0.1:" + closed, SampleInfrastructure.DEFAULT_REDIS_URL, 6379,
					"start Redis (.ci/services does) or a Docker engine"))
			.withMessageContaining("127.0.0.1:" + closed)
			.withMessageContaining("HYPERLANE_TEST_REDIS_URL")
			.withMessageContaining("start Redis (.ci/services does) or a Docker engine");
	}

	@Test
	void malformedVariableIsNamed() {
		assertThatIllegalStateException()
			.isThrownBy(() -> SampleInfrastructure.LocalServices.reachable("HYPERLANE_TEST_POSTGRES_URL", "localhost",
					SampleInfrastructure.DEFAULT_POSTGRES_URL, 5432, "start PostgreSQL"))
			.withMessageContaining("HYPERLANE_TEST_POSTGRES_URL must look like");
	}

}
