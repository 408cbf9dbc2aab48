package dev.hyperlane.samples.ecommerce;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No container engine runs here, so {@code deploy/} is checked against the applications instead: every probe and
 * scrape path of the Kubernetes manifests answers 200 on the running service it names (the storefront of this
 * test and a payments instance, both as their jars start), every port agrees with the port the service listens
 * on, every environment variable binds to a property the application declares (Spring Boot's configuration
 * metadata on the class path, the samples' own included) and every profile exists in its configuration file;
 * services, autoscalers and disruption budgets select their deployment; the Dockerfile exposes the container
 * port; and the compose file's PostgreSQL, Redis and Prometheus targets match the {@code postgres} profile and
 * the services' paths and ports.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "spring.reactor.netty.shutdown-quiet-period=0s")
class DeployManifestsTests {

	/** Environment variables read by the JVM rather than by Spring. */
	private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

	private static final Path DEPLOY = Path.of("..", "deploy");

	private static ConfigurableApplicationContext payments;

	private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final Yaml yaml = new Yaml();

	@LocalServerPort
	int port;

	@BeforeAll
	static void startPayments() {
		payments = PaymentsInstances.start(List.of(), "--payments.acquirer.latency=0s");
	}

	@AfterAll
	static void stopPayments() {
		if (payments != null) {
			payments.close();
		}
	}

	@Test
	void kubernetesManifestsMatchTheApplications() throws Exception {
		Set<String> properties = new HashSet<>();
		Set<String> prefixes = new HashSet<>();
		knownProperties(properties, prefixes);
		Map<String, Service> services = Map.of("payments",
				new Service(PaymentsInstances.port(payments), PaymentsInstances.configurationText()), "ecommerce",
				new Service(this.port, Files.readString(Path.of("src/main/resources/application.yml"))));
		for (String name : services.keySet()) {
			Map<String, List<Map<String, Object>>> byKind = new HashMap<>();
			try (InputStream in = Files.newInputStream(DEPLOY.resolve("kubernetes").resolve(name + ".yaml"))) {
				for (Object document : this.yaml.loadAll(in)) {
					Map<String, Object> resource = map(document);
					byKind.computeIfAbsent((String) resource.get("kind"), (kind) -> new ArrayList<>()).add(resource);
				}
			}
			assertThat(byKind).containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget");
			Map<String, Object> deployment = byKind.get("Deployment").get(0);
			checkDeployment(name, deployment, services.get(name), properties, prefixes);
		}
	}

	private void checkDeployment(String name, Map<String, Object> deployment, Service service, Set<String> properties,
			Set<String> prefixes) throws Exception {
		Map<String, Object> spec = map(deployment.get("spec"));
		Map<String, Object> labels = map(map(spec.get("selector")).get("matchLabels"));
		Map<String, Object> template = map(spec.get("template"));
		assertThat(map(map(template.get("metadata")).get("labels"))).containsAllEntriesOf(labels);
		Map<String, Object> podSpec = map(template.get("spec"));
		Map<String, Object> container = map(list(podSpec.get("containers")).get(0));

		Map<String, Integer> ports = new HashMap<>();
		for (Object port : list(container.get("ports"))) {
			ports.put((String) map(port).get("name"), (Integer) map(port).get("containerPort"));
		}
		Map<String, String> env = new HashMap<>();
		for (Object variable : list(container.get("env"))) {
			env.put((String) map(variable).get("name"), String.valueOf(map(variable).get("value")));
		}
		// the service listens where the container port says
		assertThat(env).as(name + " SERVER_PORT").containsEntry("SERVER_PORT", String.valueOf(ports.get("http")));
		assertThat(dockerfileExposedPort()).isEqualTo(ports.get("http"));
		for (String variable : env.keySet()) {
			assertThat(JVM_VARIABLES.contains(variable) || binds(variable, properties, prefixes))
				.as("%s: environment variable %s binds to no property the application declares", name, variable)
				.isTrue();
		}
		for (String profile : env.getOrDefault("SPRING_PROFILES_ACTIVE", "").split(",")) {
			if (!profile.isBlank()) {
				assertThat(service.configuration()).as(name + " profile " + profile)
					.containsPattern("on-profile:\\s*" + Pattern.quote(profile.trim()) + "\\s");
			}
		}

		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			Map<String, Object> httpGet = map(map(container.get(probe)).get("httpGet"));
			assertThat(ports).as(name + " " + probe + " port").containsKey((String) httpGet.get("port"));
			assertThat(get(service.port(), (String) httpGet.get("path")).statusCode()).as(name + " " + probe)
				.isEqualTo(200);
		}
		Map<String, Object> annotations = map(map(template.get("metadata")).get("annotations"));
		assertThat(Integer.parseInt((String) annotations.get("prometheus.io/port"))).isEqualTo(ports.get("http"));
		HttpResponse<String> scrape = get(service.port(), (String) annotations.get("prometheus.io/path"));
		assertThat(scrape.statusCode()).isEqualTo(200);
		assertThat(scrape.body()).contains("jvm_memory_used_bytes");

		// graceful shutdown: the grace period outlasts the pre-stop delay plus Spring's shutdown phase
		Map<String, Object> preStopExec = map(map(map(container.get("lifecycle")).get("preStop")).get("exec"));
		List<Object> preStop = list(preStopExec.get("command"));
		Matcher sleep = Pattern.compile("sleep (\\d+)")
			.matcher(String.join(" ", preStop.stream().map(String::valueOf).toList()));
		assertThat(sleep.find()).isTrue();
		Duration shutdown = Duration
			.parse("PT" + env.get("SPRING_LIFECYCLE_TIMEOUT_PER_SHUTDOWN_PHASE").toUpperCase(Locale.ROOT));
		assertThat((Integer) podSpec.get("terminationGracePeriodSeconds"))
			.isGreaterThan(Integer.parseInt(sleep.group(1)) + (int) shutdown.toSeconds());
		Map<String, Object> resources = map(container.get("resources"));
		assertThat(map(resources.get("requests"))).containsKeys("cpu", "memory");
		assertThat(map(resources.get("limits"))).containsKeys("cpu", "memory");
	}

	@Test
	void servicesAutoscalersAndDisruptionBudgetsSelectTheirDeployment() throws Exception {
		for (String name : List.of("payments", "ecommerce")) {
			Map<String, Map<String, Object>> byKind = new HashMap<>();
			try (InputStream in = Files.newInputStream(DEPLOY.resolve("kubernetes").resolve(name + ".yaml"))) {
				for (Object document : this.yaml.loadAll(in)) {
					byKind.put((String) map(document).get("kind"), map(document));
				}
			}
			Map<String, Object> deployment = byKind.get("Deployment");
			String deploymentName = (String) map(deployment.get("metadata")).get("name");
			Map<String, Object> labels = map(map(map(deployment.get("spec")).get("selector")).get("matchLabels"));
			Map<String, Object> service = map(byKind.get("Service").get("spec"));
			assertThat(map(service.get("selector"))).isEqualTo(labels);
			Set<Object> portNames = new HashSet<>();
			Map<String, Object> container = map(list(map(map(map(deployment.get("spec")).get("template")).get("spec"))
				.get("containers")).get(0));
			list(container.get("ports")).forEach((port) -> portNames.add(map(port).get("name")));
			list(service.get("ports")).forEach((port) -> assertThat(portNames).contains(map(port).get("targetPort")));
			Map<String, Object> autoscaler = map(byKind.get("HorizontalPodAutoscaler").get("spec"));
			Map<String, Object> target = map(autoscaler.get("scaleTargetRef"));
			assertThat(target).containsEntry("kind", "Deployment").containsEntry("name", deploymentName);
			Map<String, Object> budget = map(byKind.get("PodDisruptionBudget").get("spec"));
			assertThat(map(map(budget.get("selector")).get("matchLabels"))).isEqualTo(labels);
		}
	}

	@Test
	void composeMatchesThePostgresProfileAndTheScrapeTargets() throws Exception {
		Map<String, Object> compose;
		try (InputStream in = Files.newInputStream(DEPLOY.resolve("docker-compose.yml"))) {
			compose = map(this.yaml.load(in));
		}
		Map<String, Object> composeServices = map(compose.get("services"));
		assertThat(composeServices).containsKeys("postgres", "redis", "otel-collector", "prometheus", "grafana");
		String storefrontConfiguration = Files.readString(Path.of("src/main/resources/application.yml"));
		for (String configuration : List.of(storefrontConfiguration, PaymentsInstances.configurationText())) {
			String postgresProfile = configuration.substring(configuration.indexOf("on-profile: postgres"));
			Matcher r2dbc = Pattern.compile("url: r2dbc:postgresql://[^:/]+:(\\d+)/(\\w+)").matcher(postgresProfile);
			assertThat(r2dbc.find()).isTrue();
			assertThat(list(map(composeServices.get("postgres")).get("ports"))).contains(r2dbc.group(1) + ":5432");
			assertThat(map(map(composeServices.get("postgres")).get("environment"))).containsEntry("POSTGRES_DB",
					r2dbc.group(2));
		}
		assertThat(storefrontConfiguration.substring(storefrontConfiguration.indexOf("on-profile: postgres")))
			.contains("redis:\n      host: 127.0.0.1");
		assertThat(list(map(composeServices.get("redis")).get("ports"))).contains("6379:6379");

		Map<String, Object> prometheus = map(this.yaml.load((String) map(map(compose.get("configs")).get("prometheus"))
			.get("content")));
		Map<String, Integer> runningPorts = Map.of("sample-ecommerce", this.port, "sample-payments",
				PaymentsInstances.port(payments));
		Map<String, Integer> configuredPorts = Map.of("sample-ecommerce", serverPort(storefrontConfiguration),
				"sample-payments", serverPort(PaymentsInstances.configurationText()));
		for (Object job : list(prometheus.get("scrape_configs"))) {
			String name = (String) map(job).get("job_name");
			assertThat(runningPorts).containsKey(name);
			HttpResponse<String> scrape = get(runningPorts.get(name), (String) map(job).get("metrics_path"));
			assertThat(scrape.statusCode()).as(name).isEqualTo(200);
			List<Object> targets = list(map(list(map(job).get("static_configs")).get(0)).get("targets"));
			assertThat(targets).as(name).contains("host.docker.internal:" + configuredPorts.get(name));
		}
	}

	private static int serverPort(String configuration) {
		Matcher port = Pattern.compile("server:\\s*\\n\\s+port: (\\d+)").matcher(configuration);
		assertThat(port.find()).isTrue();
		return Integer.parseInt(port.group(1));
	}

	private static int dockerfileExposedPort() throws IOException {
		Matcher expose = Pattern.compile("(?m)^EXPOSE (\\d+)$").matcher(Files.readString(DEPLOY.resolve("Dockerfile")));
		assertThat(expose.find()).isTrue();
		return Integer.parseInt(expose.group(1));
	}

	/**
	 * Whether an environment variable binds to a declared property, asked of Spring Boot's own mapping of
	 * environment variables to property names. Map and list properties accept any element.
	 */
	private static boolean binds(String variable, Set<String> properties, Set<String> prefixes) {
		IterableConfigurationPropertySource source = (IterableConfigurationPropertySource) ConfigurationPropertySource
			.from(new SystemEnvironmentPropertySource(
					StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.of(variable, "value")));
		List<ConfigurationPropertyName> mapped = source.stream().toList();
		return properties.stream()
			.anyMatch((name) -> source.getConfigurationProperty(ConfigurationPropertyName.of(name)) != null)
				|| prefixes.stream()
					.map(ConfigurationPropertyName::of)
					.anyMatch((prefix) -> mapped.stream().anyMatch(prefix::isAncestorOf));
	}

	private static void knownProperties(Set<String> properties, Set<String> prefixes) throws IOException {
		ObjectMapper json = new ObjectMapper();
		ClassLoader loader = DeployManifestsTests.class.getClassLoader();
		List<URL> files = new ArrayList<>(
				Collections.list(loader.getResources("META-INF/spring-configuration-metadata.json")));
		files.addAll(Collections.list(loader.getResources("META-INF/additional-spring-configuration-metadata.json")));
		for (URL file : files) {
			try (InputStream in = file.openStream()) {
				JsonNode metadata = json.readTree(new String(in.readAllBytes(), StandardCharsets.UTF_8));
				for (JsonNode property : metadata.path("properties")) {
					String name = property.path("name").asText();
					if (!ConfigurationPropertyName.isValid(name)) {
						continue;
					}
					String type = property.path("type").asText("");
					properties.add(name);
					if (type.startsWith("java.util.Map") || type.startsWith("java.util.List") || type.endsWith("[]")) {
						prefixes.add(name);
					}
				}
			}
		}
		// the samples' own properties are there, and Boot's
		assertThat(properties).contains("payments.acquirer.latency", "catalog.cache.ttl", "spring.r2dbc.url");
	}

	private HttpResponse<String> get(int port, String path) throws Exception {
		return this.client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> map(Object value) {
		assertThat(value).isInstanceOf(Map.class);
		return (Map<String, Object>) value;
	}

	@SuppressWarnings("unchecked")
	private static List<Object> list(Object value) {
		assertThat(value).isInstanceOf(List.class);
		return (List<Object>) value;
	}

	private record Service(int port, String configuration) {

	}

}
