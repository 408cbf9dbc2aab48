package dev.hyperlane.boot;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * The condition behind {@link ConditionalOnHyperlane}: {@code hyperlane.enabled}, then the concern's
 * {@code hyperlane.<concern>.enabled}, each on unless it is set to something other than {@code true}. Ordered with
 * Spring Boot's property conditions: after the class conditions, before the bean conditions.
 */
@Order(Ordered.HIGHEST_PRECEDENCE + 40)
class OnHyperlaneCondition extends SpringBootCondition {

	private static final String MASTER_SWITCH = "hyperlane.enabled";

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		String concern = metadata.getAnnotations().get(ConditionalOnHyperlane.class).getString(MergedAnnotation.VALUE);
		List<String> switches = concern.isEmpty() ? List.of(MASTER_SWITCH)
				: List.of(MASTER_SWITCH, "hyperlane." + concern + ".enabled");
		ConditionMessage.Builder message = concern.isEmpty() ? ConditionMessage.forCondition(ConditionalOnHyperlane.class)
				: ConditionMessage.forCondition(ConditionalOnHyperlane.class, "(" + concern + ")");
		Environment environment = context.getEnvironment();
		for (String name : switches) {
			String value = environment.getProperty(name);
			if (environment.containsProperty(name) && !"true".equalsIgnoreCase(value)) {
				return ConditionOutcome.noMatch(message.because(name + " is '" + value + "', not true"));
			}
		}
		return ConditionOutcome.match(message.because(String.join(" and ", switches) + " on"));
	}

}
