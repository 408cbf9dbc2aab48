package dev.hyperlane.boot.observability;

import dev.hyperlane.boot.ConditionalOnHyperlane;
import dev.hyperlane.boot.MeterSource;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Registers the meters of every {@link MeterSource} (declared by the deadline, load balancer, server and
 * observability configurations, which need no Micrometer to load) with one {@link MeterSourcesBinder}, when
 * Micrometer is on the class path. It is not bound to {@code hyperlane.observability.enabled}: the deadline,
 * hedging and concurrency-limit meters are their features' own, and the meter groups switched by
 * {@code hyperlane.observability.metrics.*} have no source when off. Backs off with {@code hyperlane.enabled=false}
 * or when the application has its own binder of this type.
 */
@AutoConfiguration
@ConditionalOnClass(MeterBinder.class)
@ConditionalOnHyperlane
public final class MeterSourcesAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	MeterSourcesBinder hyperlaneMeterSourcesBinder(ObjectProvider<MeterSource> sources) {
		return new MeterSourcesBinder(sources);
	}

}
