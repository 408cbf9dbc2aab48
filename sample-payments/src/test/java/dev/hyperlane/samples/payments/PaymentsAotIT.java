package dev.hyperlane.samples.payments;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.hyperlane.boot.testsupport.FreePort;
import dev.hyperlane.samples.testsupport.ServiceProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payments service as Spring AOT leaves it: the build ran {@code process-aot} (spring-boot-maven-plugin, before
 * the executable jar is packaged), and this test runs that jar with {@code -Dspring.aot.enabled=true}, so the
 * application starts from the generated bean definitions, with no auto-configuration condition evaluated at run
 * time. It answers {@code /actuator/health}, {@code /actuator/hyperlane} and the live view page, and the hints
 * written for a native image name what the starter loads by name (the live view page, the native transports'
 * classes). A second instance started with {@code --hyperlane.enabled=false} shows what AOT does to that switch:
 * the starter stays on, and a WARN says so. Runs in {@code mvn verify} (failsafe, after the jar is
 * packaged) on the embedded H2 database, so it needs no service; about 10 s on the 2-core build machine.
 */
@Timeout(120)
class PaymentsAotIT {

	private static final Path LOGS = Path.of("target", "aot-tests");

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static ServiceProcess payments;

	private static ServiceProcess switchedOff;

	private final ObjectMapper json = new ObjectMapper();

	@BeforeAll
	static void startWithAot() throws IOException {
		// the logs of this run only: ServiceProcess appends to a log across starts
		FileSystemUtils.deleteRecursively(LOGS);
		Path jar = Path.of(System.getProperty("payments.exec-jar"));
		assertThat(jar).as("the executable jar built by this module").exists();
		payments = ServiceProcess.startJar("payments-aot", jar, List.of("-Dspring.aot.enabled=true"),
				FreePort.find(), LOGS, List.of("--spring.main.banner-mode=off"));
		switchedOff = ServiceProcess.startJar("payments-aot-switched-off", jar, List.of("-Dspring.aot.enabled=true"),
				FreePort.find(), LOGS, List.of("--spring.main.banner-mode=off", "--hyperlane.enabled=false"));
		payments.awaitReady(Duration.ofSeconds(90));
		switchedOff.awaitReady(Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() {
		for (ServiceProcess process : new ServiceProcess[] { payments, switchedOff }) {
			if (process != null) {
				process.close();
			}
		}
	}

	@Test
	void startsFromTheGeneratedInitializer() {
		Path classes = Path.of(System.getProperty("payments.classes"));
		assertThat(classes.resolve("dev/hyperlane/samples/payments/PaymentsApplication__ApplicationContextInitializer.class"))
			.exists();
		assertThat(payments.logTail()).contains("Starting AOT-processed PaymentsApplication").doesNotContain(" ERROR ");
	}

	@Test
	void switchingTheStarterOffOnlyAtRunTimeIsIgnoredAndSaysSo() throws Exception {
		assertThat(switchedOff.logTail()).contains("WARN", "hyperlane.enabled=false is ignored");
		assertThat(get(switchedOff, "/actuator/hyperlane").statusCode()).isEqualTo(200);
		assertThat(payments.logTail()).doesNotContain("is ignored");
	}

	@Test
	void answersHealth() throws Exception {
		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(this.json.readTree(health.body()).get("status").asText()).isEqualTo("UP");
	}

	@Test
	void answersTheHyperlaneEndpoint() throws Exception {
		HttpResponse<String> hyperlane = get("/actuator/hyperlane");
		assertThat(hyperlane.statusCode()).isEqualTo(200);
		JsonNode body = this.json.readTree(hyperlane.body());
		assertThat(body.has("transport")).isTrue();
		assertThat(body.has("server")).isTrue();
		assertThat(body.has("advice")).isTrue();
	}

	@Test
	void servesTheLiveViewPage() throws Exception {
		HttpResponse<String> page = get("/actuator/hyperlane-view");
		assertThat(page.statusCode()).isEqualTo(200);
		assertThat(page.body()).contains("<html");
	}

	@Test
	void nativeImageHintsNameWhatTheStarterLoadsByName() {
		Path metadata = Path.of(System.getProperty("payments.classes"), "META-INF", "native-image", "dev.hyperlane",
				"sample-payments", "reachability-metadata.json");
		JsonNode hints = this.json.readTree(metadata.toFile());
		assertThat(names(hints, "resources", "glob")).contains("dev/hyperlane/boot/actuate/live-view.html");
		assertThat(names(hints, "reflection", "type")).contains("io.netty.channel.epoll.Epoll",
				"io.netty.channel.uring.IoUring");
	}

	// the plain names in one section of reachability-metadata.json (a lambda or a proxy is an object, left out)
	private static List<String> names(JsonNode hints, String section, String field) {
		return hints.get(section)
			.valueStream()
			.map((entry) -> entry.path(field))
			.filter(JsonNode::isValueNode)
			.map(JsonNode::asText)
			.toList();
	}

	private HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return get(payments, path);
	}

	private static HttpResponse<String> get(ServiceProcess process, String path)
			throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(process.uri(path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

}
