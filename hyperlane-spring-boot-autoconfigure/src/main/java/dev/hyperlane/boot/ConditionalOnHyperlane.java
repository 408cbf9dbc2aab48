package dev.hyperlane.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Conditional;

/**
 * Matches when Hyperlane is on ({@code hyperlane.enabled}) and, with a concern named, when that concern's own switch
 * ({@code hyperlane.<concern>.enabled}) is on as well. A switch is on when it is not set or set to {@code true} (in
 * any case) and off for any other value: the rule of {@code @ConditionalOnBooleanProperty(matchIfMissing = true)}.
 * Every auto-configuration of the starter carries it (the load balancer's retry, through the balancers it needs),
 * which is what makes {@code hyperlane.enabled=false} give plain Spring Boot back.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ ElementType.TYPE, ElementType.METHOD })
@Documented
@Conditional(OnHyperlaneCondition.class)
public @interface ConditionalOnHyperlane {

	/**
	 * The concern whose switch {@code hyperlane.<concern>.enabled} must be on too, such as {@code server}; empty for
	 * {@code hyperlane.enabled} alone.
	 * @return the concern, or an empty string
	 */
	String value() default "";

}
