package dev.hyperlane.boot.server;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.hyperlane.boot.HyperlaneSection;
import dev.hyperlane.boot.SectionNames;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationContext;

/**
 * The {@code server} section of a servlet application (Spring MVC on Tomcat, Jetty or Undertow): Hyperlane tunes
 * Reactor Netty servers only, so this section says the server is not tuned and which one runs, and logs the same
 * once at start-up (INFO). The clients ({@code WebClient}, and {@code RestClient} over Reactor Netty) are tuned as
 * in a reactive application.
 *
 * @param name the section's name, {@link SectionNames#SERVER}
 * @param context the application context, whose web server is named
 */
public record UntunedServerSection(String name, ApplicationContext context)
		implements HyperlaneSection, SmartInitializingSingleton {

	private static final Log logger = LogFactory.getLog(UntunedServerSection.class);

	/**
	 * Create the section, named {@link SectionNames#SERVER}.
	 * @param context the application context, whose web server is named
	 */
	public UntunedServerSection(ApplicationContext context) {
		this(SectionNames.SERVER, context);
	}

	/**
	 * Return the name of the running web server, such as {@code Tomcat}.
	 * @return the name, or {@code servlet container} when the context has no embedded web server (a war)
	 */
	public String webServer() {
		WebServer server = (this.context instanceof WebServerApplicationContext web) ? web.getWebServer() : null;
		if (server == null) {
			return "servlet container";
		}
		String name = server.getClass().getSimpleName();
		return name.endsWith("WebServer") ? name.substring(0, name.length() - "WebServer".length()) : name;
	}

	@Override
	public Map<String, Object> describe() {
		Map<String, Object> description = new LinkedHashMap<>();
		description.put("tuned", false);
		description.put("webServer", webServer());
		description.put("reason", reason());
		return description;
	}

	private String reason() {
		return "a servlet application: Hyperlane tunes Reactor Netty servers only, so hyperlane.server.* does not apply"
				+ " and Spring Boot's server." + webServer().toLowerCase(Locale.ROOT).replace(' ', '-')
				+ ".* settings apply as they are; clients are tuned (hyperlane.client.*)";
	}

	@Override
	public void afterSingletonsInstantiated() {
		logger.info("Hyperlane does not tune this application's web server (" + webServer() + "): " + reason());
	}

}
