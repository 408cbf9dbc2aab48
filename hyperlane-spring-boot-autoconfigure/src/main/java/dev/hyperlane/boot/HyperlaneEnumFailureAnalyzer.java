package dev.hyperlane.boot;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

/**
 * Reports a {@code hyperlane.*} property whose value is not one of its enum's values with the values as they are
 * documented and written ({@code io-uring}, {@code peak-ewma}), rather than the Java constant names
 * ({@code IO_URING}) Spring Boot's own analyzer lists. Ordered ahead of Boot's analyzers; other binding failures
 * are left to them.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class HyperlaneEnumFailureAnalyzer extends AbstractFailureAnalyzer<BindException> {

	@Override
	protected @Nullable FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		String name = cause.getName().toString();
		Class<?> type = cause.getTarget().getType().resolve();
		if (!name.startsWith("hyperlane.") || type == null || !type.isEnum()) {
			return null;
		}
		ConfigurationProperty property = cause.getProperty();
		StringBuilder description = new StringBuilder("Invalid Hyperlane setting '").append(name).append("'");
		if (property != null) {
			description.append(": value '").append(property.getValue()).append("' is not allowed");
			Origin origin = property.getOrigin();
			if (origin != null) {
				description.append(" (from ").append(origin).append(")");
			}
		}
		String values = Arrays.stream(type.getEnumConstants())
			.map((constant) -> propertyValue((Enum<?>) constant))
			.collect(Collectors.joining(", "));
		return new FailureAnalysis(description.toString(), "Set " + name + " to one of: " + values + ".", cause);
	}

	/**
	 * Return how a constant is written in a property: lower case, words separated by hyphens.
	 * @param constant the constant, such as {@code IO_URING}
	 * @return the value, such as {@code io-uring}
	 */
	static String propertyValue(Enum<?> constant) {
		return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

}
