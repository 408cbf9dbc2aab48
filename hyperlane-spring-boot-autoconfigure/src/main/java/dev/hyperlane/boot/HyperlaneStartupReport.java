package dev.hyperlane.boot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.aot.AotDetector;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.env.Environment;

/**
 * Says at start-up, in one INFO line, where Hyperlane departs from what Spring Boot does without it: each
 * {@link HyperlaneSection#changedBootDefaults() changed default} as {@code property=value}, so every change names
 * the property that sets it back. Runs once all singletons exist, when the web server has been configured.
 * <p>
 * Also warns when the application runs on Spring AOT's generated code ({@code spring.aot.enabled=true} or a native
 * image) and {@code hyperlane.enabled=false}, or a concern's own switch, is set at run time while that concern is
 * active: AOT evaluates conditions when the application is built, so such a switch only takes effect at build time.
 */
public final class HyperlaneStartupReport implements SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(HyperlaneStartupReport.class);

	private static final List<String> ORDER = List.of("transport", "server", "clients", "loadbalancers",
			"observability");

	/** Each concern's own switch and the section it contributes. */
	private static final Map<String, String> SWITCHES = switches();

	private final ObjectProvider<HyperlaneSection> sections;

	private final Environment environment;

	/**
	 * Create the report.
	 * @param sections the sections of the active concerns
	 * @param environment the environment, for the switches set at run time
	 */
	public HyperlaneStartupReport(ObjectProvider<HyperlaneSection> sections, Environment environment) {
		this.sections = sections;
		this.environment = environment;
	}

	private static Map<String, String> switches() {
		Map<String, String> switches = new LinkedHashMap<>();
		switches.put("hyperlane.transport.enabled", "transport");
		switches.put("hyperlane.server.enabled", "server");
		switches.put("hyperlane.client.enabled", "clients");
		switches.put("hyperlane.loadbalancer.enabled", "loadbalancers");
		switches.put("hyperlane.observability.enabled", "observability");
		return switches;
	}

	@Override
	public void afterSingletonsInstantiated() {
		List<HyperlaneSection> active = this.sections.orderedStream().toList();
		if (AotDetector.useGeneratedArtifacts()) {
			String ignored = ignoredSwitches(active);
			if (!ignored.isEmpty()) {
				logger.warn(ignored + " set at run time, but this application runs on Spring AOT's generated code,"
						+ " whose conditions were evaluated when it was built: Hyperlane stays on. Set the switch when"
						+ " the application is built (the process-aot step) instead.");
			}
		}
		if (logger.isInfoEnabled()) {
			logger.info(line(active));
		}
	}

	/**
	 * Return the switches set to {@code false} that cannot take effect because their concern is already active.
	 * @param active the sections of the active concerns
	 * @return the switches, such as {@code hyperlane.enabled=false}, or an empty string
	 */
	String ignoredSwitches(List<HyperlaneSection> active) {
		if (!this.environment.getProperty("hyperlane.enabled", Boolean.class, true)) {
			return "hyperlane.enabled=false is";
		}
		Set<String> names = active.stream().map(HyperlaneSection::name).collect(Collectors.toSet());
		List<String> ignored = new ArrayList<>();
		SWITCHES.forEach((property, section) -> {
			if (!this.environment.getProperty(property, Boolean.class, true) && names.contains(section)) {
				ignored.add(property + "=false");
			}
		});
		return ignored.isEmpty() ? "" : String.join(", ", ignored) + ((ignored.size() > 1) ? " are" : " is");
	}

	/**
	 * Return the start-up line: every changed default as {@code property=value}, concern by concern.
	 * @param sections the sections of the active concerns
	 * @return the line
	 */
	static String line(List<HyperlaneSection> sections) {
		List<HyperlaneSection> sorted = new ArrayList<>(sections);
		sorted.sort(Comparator.comparingInt((HyperlaneSection section) -> rank(section.name()))
			.thenComparing(HyperlaneSection::name));
		List<String> changes = new ArrayList<>();
		for (HyperlaneSection section : sorted) {
			for (ChangedDefault change : section.changedBootDefaults()) {
				changes.add(change.toString());
			}
		}
		if (changes.isEmpty()) {
			return "Hyperlane leaves Spring Boot's defaults as they are";
		}
		return "Hyperlane changes Spring Boot's defaults (set a property to change one back, hyperlane.enabled=false"
				+ " for all): " + String.join(", ", changes);
	}

	private static int rank(String name) {
		int index = ORDER.indexOf(name);
		return (index >= 0) ? index : ORDER.size();
	}

}
