package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.handler.DefaultWebFilterChain;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;
import org.springframework.web.filter.reactive.ServerWebExchangeContextFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter's adjacent filters run as one link of WebFlux's chain, in their order and around the application's
 * filters as before; a starter exception handler runs together with the next one and passes the errors it does not
 * answer on as WebFlux's list does.
 */
class StarterWebChainTests {

	private final List<String> calls = new ArrayList<>();

	@Test
	void adjacentStarterFiltersBecomeOneLinkAndKeepTheirOrder() {
		WebFilter answered = new AnsweredRequestFilter(new ServerStatistics());
		WebFilter scope = new dev.hyperlane.boot.observability.ObservationScopeWebFilter();
		WebFilter application = new ServerWebExchangeContextFilter();
		WebFilter last = new AnsweredRequestFilter(new ServerStatistics());
		List<WebFilter> filters = new ArrayList<>(List.of(answered, scope, application, last));
		StarterWebChain.combineFilters(filters);
		assertThat(filters).hasSize(3);
		assertThat(filters.get(0)).isInstanceOfSatisfying(CombinedWebFilter.class,
				(combined) -> assertThat(combined.filters()).containsExactly(answered, scope));
		assertThat(filters.get(0).toString()).isSameAs(filters.get(0).toString())
			.isEqualTo("[AnsweredRequestFilter, ObservationScopeWebFilter]");
		assertThat(filters.subList(1, 3)).containsExactly(application, last);
	}

	@Test
	void combinedFilterRunsEachFilterInTurnWhenTheChainIsSubscribed() {
		WebFilter combined = new CombinedWebFilter(List.of(recording("first"), recording("second"),
				recording("third")));
		Mono<Void> result = new DefaultWebFilterChain((exchange) -> {
			this.calls.add("handler");
			return Mono.empty();
		}, List.of(combined, recording("application"))).filter(exchange());
		assertThat(this.calls).isEmpty();
		result.block();
		assertThat(this.calls).containsExactly("first", "second", "third", "application", "handler");
	}

	@Test
	void starterExceptionHandlerRunsWithTheNextAndPassesOtherErrorsOn() {
		WebExceptionHandler pool = new dev.hyperlane.boot.client.PoolExhaustedExceptionHandler();
		WebExceptionHandler next = (exchange, ex) -> {
			this.calls.add("next " + ex.getMessage() + " "
					+ (exchange.getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION) == ex));
			exchange.getResponse().setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR);
			return Mono.empty();
		};
		WebExceptionHandler after = (exchange, ex) -> Mono.error(ex);
		List<WebExceptionHandler> handlers = new ArrayList<>(List.of(pool, next, after));
		StarterWebChain.combineExceptionHandlers(handlers);
		assertThat(handlers).hasSize(2).element(1).isSameAs(after);
		assertThat(handlers.get(0)).isInstanceOfSatisfying(CombinedWebExceptionHandler.class,
				(combined) -> assertThat(combined.handlers()).containsExactly(pool, next));
		MockServerWebExchange other = exchange();
		handlers.get(0).handle(other, new IllegalStateException("boom")).block();
		assertThat(this.calls).containsExactly("next boom true");
		assertThat(other.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
	}

	private WebFilter recording(String name) {
		return (exchange, chain) -> {
			this.calls.add(name);
			return chain.filter(exchange);
		};
	}

	private static MockServerWebExchange exchange() {
		return MockServerWebExchange.from(MockServerHttpRequest.get("/plaintext"));
	}

}
