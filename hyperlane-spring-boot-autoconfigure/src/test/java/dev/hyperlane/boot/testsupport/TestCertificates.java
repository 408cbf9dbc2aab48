package dev.hyperlane.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

/**
 * Certificates made at run time with the JDK's {@code keytool}, so that no private key is ever committed: a test
 * certificate authority, a server certificate for {@code localhost} and {@code 127.0.0.1} and a client certificate,
 * both signed by it, in PKCS#12 key stores, and a trust store holding the authority. EC P-256 keys, valid for two
 * days; a random store password per run. Made once per JVM in a temporary directory.
 */
public final class TestCertificates {

	private static @Nullable TestCertificates instance;

	private final Path directory;

	private final String password = "pw-" + UUID.randomUUID();

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Return the certificates, making them on first use (eleven {@code keytool} runs).
	 * @return the certificates
	 */
	public static synchronized TestCertificates get() {
		if (instance == null) {
			try {
				Path directory = Files.createTempDirectory("hyperlane-tls");
				directory.toFile().deleteOnExit();
				TestCertificates certificates = new TestCertificates(directory);
				certificates.make();
				instance = certificates;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return instance;
	}

	private void make() throws IOException {
		keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
				"CN=Hyperlane Test CA", "-ext", "bc:c", "-validity", "2", "-keystore", file("ca.p12"), "-storetype",
				"PKCS12", "-storepass", this.password);
		keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
				"-file", file("ca.pem"));
		keytool("-importcert", "-noprompt", "-alias", "ca", "-file", file("ca.pem"), "-keystore", file("trust.p12"),
				"-storetype", "PKCS12", "-storepass", this.password);
		signed("server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1", "EKU=serverAuth");
		signed("client", "CN=hyperlane-test-client", "SAN=dns:client", "EKU=clientAuth");
	}

	private void signed(String name, String subject, String san, String usage) throws IOException {
		String store = file(name + ".p12");
		keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", subject,
				"-validity", "2", "-keystore", store, "-storetype", "PKCS12", "-storepass", this.password);
		keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", this.password, "-file",
				file(name + ".csr"));
		keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", this.password,
				"-infile", file(name + ".csr"), "-outfile", file(name + ".pem"), "-ext", san, "-ext", usage,
				"-validity", "2");
		// the signed certificate followed by the authority's: keytool takes the whole chain as the reply
		Path chain = Path.of(file(name + "-chain.pem"));
		Files.writeString(chain,
				Files.readString(Path.of(file(name + ".pem"))) + Files.readString(Path.of(file("ca.pem"))));
		keytool("-importcert", "-noprompt", "-alias", name, "-file", chain.toString(), "-keystore", store,
				"-storepass", this.password);
	}

	private String file(String name) {
		Path path = this.directory.resolve(name);
		path.toFile().deleteOnExit();
		return path.toString();
	}

	private static void keytool(String... arguments) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
		command.addAll(List.of(arguments));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		try {
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IOException("keytool did not finish: " + command);
			}
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (process.exitValue() != 0) {
				throw new IOException("keytool failed (" + process.exitValue() + "): " + command + "\n" + output);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IOException(ex);
		}
	}

	/**
	 * Return the password of every store and key.
	 * @return the password, random per run
	 */
	public String password() {
		return this.password;
	}

	/**
	 * Return the PKCS#12 store with the server's key ({@code server}) and its chain.
	 * @return the path
	 */
	public Path serverKeyStore() {
		return this.directory.resolve("server.p12");
	}

	/**
	 * Return the PKCS#12 store with the client's key ({@code client}) and its chain.
	 * @return the path
	 */
	public Path clientKeyStore() {
		return this.directory.resolve("client.p12");
	}

	/**
	 * Return the PKCS#12 trust store holding the test authority.
	 * @return the path
	 */
	public Path trustStore() {
		return this.directory.resolve("trust.p12");
	}

	/**
	 * Return Spring Boot properties that declare a JKS-style SSL bundle from these stores.
	 * @param bundle the bundle name
	 * @param keyStore the key store, or {@code null} for a trust-only bundle
	 * @param alias the key alias, or {@code null}
	 * @return {@code spring.ssl.bundle.jks.<bundle>.*} properties
	 */
	public List<String> bundle(String bundle, @Nullable Path keyStore, @Nullable String alias) {
		String prefix = "spring.ssl.bundle.jks." + bundle + ".";
		List<String> properties = new ArrayList<>();
		if (keyStore != null) {
			properties.add(prefix + "keystore.location=file:" + keyStore);
			properties.add(prefix + "keystore.password=" + this.password);
			properties.add(prefix + "keystore.type=PKCS12");
			properties.add(prefix + "key.alias=" + alias);
			properties.add(prefix + "key.password=" + this.password);
		}
		properties.add(prefix + "truststore.location=file:" + trustStore());
		properties.add(prefix + "truststore.password=" + this.password);
		properties.add(prefix + "truststore.type=PKCS12");
		return properties;
	}

}
