package dev.hyperlane.boot.loadbalancer;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.hyperlane.boot.HyperlaneSettingException;
import dev.hyperlane.boot.retry.RetryPolicies;
import dev.hyperlane.boot.retry.RetryPolicy;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancedExchangeFilterFunction;
import org.springframework.cloud.client.loadbalancer.reactive.LoadBalancerClientRequestTransformer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactiveLoadBalancer;
import org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerExchangeFilterFunction;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Retry on another instance for {@code @LoadBalanced WebClient.Builder} calls: a
 * {@link HyperlaneLoadBalancerExchangeFilterFunction} in the place of Spring Cloud's non-retrying exchange filter.
 * With {@code hyperlane.loadbalancer.retry.enabled=false} the filter stays but never retries (it still tells the
 * HTTP client which service each call is for). Backs off when the application declares its own
 * {@link LoadBalancedExchangeFilterFunction}, or when it turns on Spring Cloud's retrying filter with
 * {@code spring.cloud.loadbalancer.retry.enabled=true} (balanced calls then run on the default client's pool).
 * With hedging on for any service the filter also hedges ({@link HedgingLoadBalancerExchangeFilterFunction}); hedges
 * are taken from the HTTP client's retry budgets, so start-up fails when that client is off.
 */
@AutoConfiguration(after = LoadBalancerAutoConfiguration.class,
		afterName = "org.springframework.cloud.loadbalancer.config.LoadBalancerAutoConfiguration",
		beforeName = "org.springframework.cloud.client.loadbalancer.reactive.ReactorLoadBalancerClientAutoConfiguration")
@ConditionalOnClass({ WebClient.class, ReactorLoadBalancerExchangeFilterFunction.class })
@ConditionalOnBean({ HyperlaneLoadBalancers.class, ReactiveLoadBalancer.Factory.class })
@ConditionalOnProperty(name = "spring.cloud.loadbalancer.retry.enabled", havingValue = "false", matchIfMissing = true)
public final class LoadBalancerRetryAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	Hedges hyperlaneHedges(HyperlaneLoadBalancers balancers) {
		return new Hedges(balancers);
	}

	@Bean
	@ConditionalOnMissingBean(LoadBalancedExchangeFilterFunction.class)
	HyperlaneLoadBalancerExchangeFilterFunction hyperlaneLoadBalancerExchangeFilterFunction(
			ReactiveLoadBalancer.Factory<ServiceInstance> loadBalancerFactory,
			ObjectProvider<List<LoadBalancerClientRequestTransformer>> transformers, HyperlaneLoadBalancers balancers,
			ObjectProvider<RetryPolicies> policies, Hedges hedges) {
		LoadBalancerSettings settings = balancers.settings();
		// the filter looks the service's balancer and lifecycle beans up on every call: once per service here
		ReactiveLoadBalancer.Factory<ServiceInstance> factory = new CachedLoadBalancerFactory(loadBalancerFactory);
		RetryPolicies clientPolicies = policies.getIfUnique();
		RetryPolicies retryPolicies = (clientPolicies != null) ? clientPolicies : (serviceId) -> RetryPolicy.unbudgeted();
		int maxRetries = settings.require(LoadBalancerSettings.RETRY_ENABLED)
				? settings.require(LoadBalancerSettings.RETRY_MAX_RETRIES) : 0;
		Set<Integer> statusCodes = new LinkedHashSet<>(settings.require(LoadBalancerSettings.RETRY_STATUS_CODES));
		if (hedges.anyEnabled()) {
			if (clientPolicies == null) {
				throw new HyperlaneSettingException("hyperlane.loadbalancer.hedging.enabled",
						"hedging is on but no retry budget is known: every hedge is taken from the service's retry "
								+ "budget, which Hyperlane's HTTP client keeps, and it is off (hyperlane.client.enabled="
								+ "false, or the application declares its own ClientHttpConnector)",
						"Turn Hyperlane's HTTP client on, or set hyperlane.loadbalancer.hedging.enabled=false.");
			}
			return new HedgingLoadBalancerExchangeFilterFunction(factory,
					transformers.getIfAvailable(Collections::emptyList), balancers, retryPolicies, maxRetries,
					statusCodes, hedges);
		}
		return new HyperlaneLoadBalancerExchangeFilterFunction(factory,
				transformers.getIfAvailable(Collections::emptyList), balancers, retryPolicies, maxRetries,
				statusCodes);
	}

	@Bean
	@ConditionalOnMissingBean
	HedgingSection hyperlaneHedgingSection(Hedges hedges) {
		return new HedgingSection(hedges);
	}

}
