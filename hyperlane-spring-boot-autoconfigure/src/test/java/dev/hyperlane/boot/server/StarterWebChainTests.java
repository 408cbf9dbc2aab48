package dev.hyperlane.boot.server;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import dev.hyperlane.boot.deadline.DeadlineHeaders;
import dev.hyperlane.boot.deadline.DeadlineStatistics;
import dev.hyperlane.boot.deadline.DeadlineWebFilter;
import dev.hyperlane.boot.deadline.HyperlaneDeadlineProperties;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.boot.context.properties.bind.Binder;
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
		WebFilter scope = new dev.hyperlane.boot.observability.ObservationScopeWebFilter();
		WebFilter deadline = new DeadlineWebFilter(
				new DeadlineHeaders(new Binder().bindOrCreate("hyperlane.deadline", HyperlaneDeadlineProperties.class)),
				new DeadlineStatistics());
		WebFilter application = new ServerWebExchangeContextFilter();
		WebFilter last = new dev.hyperlane.boot.observability.ObservationScopeWebFilter();
		List<WebFilter> filters = new ArrayList<>(List.of(scope, deadline, application, last));
		StarterWebChain.combineFilters(filters);
		assertThat(filters).hasSize(3);
		assertThat(filters.get(0)).isInstanceOfSatisfying(CombinedWebFilter.class,
				(combined) -> assertThat(combined.filters()).containsExactly(scope, deadline));
		assertThat(filters.get(0).toString()).isSameAs(filters.get(0).toString())
			.isEqualTo("[ObservationScopeWebFilter, DeadlineWebFilter]");
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
	void starterExceptionHandlersRunWithTheNextAndPassOtherErrorsOn() {
		WebExceptionHandler answered = new AnsweredRequestHandler(new ServerStatistics());
		WebExceptionHandler pool = new dev.hyperlane.boot.client.PoolExhaustedExceptionHandler();
		WebExceptionHandler next = applications((exchange, ex) -> {
			this.calls.add("next " + ex.getMessage() + " "
					+ (exchange.getAttribute(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION) == ex));
			exchange.getResponse().setStatusCode(HttpStatus.INTERNAL_SERVER_ERROR);
			return Mono.empty();
		});
		WebExceptionHandler after = applications((exchange, ex) -> Mono.error(ex));
		List<WebExceptionHandler> handlers = new ArrayList<>(List.of(answered, pool, next, after));
		StarterWebChain.combineExceptionHandlers(handlers);
		assertThat(handlers).hasSize(2).element(1).isSameAs(after);
		assertThat(handlers.get(0)).isInstanceOfSatisfying(CombinedWebExceptionHandler.class,
				(combined) -> assertThat(combined.handlers()).containsExactly(answered, pool, next));
		// the answered-request checks need a server's native response, which a mock exchange has not (tested against
		// a real server in BadRequestTests): the errors passed on are the pool handler's and the next one's
		WebExceptionHandler combined = new CombinedWebExceptionHandler(List.of(pool, next));
		MockServerWebExchange other = exchange();
		combined.handle(other, new IllegalStateException("boom")).block();
		assertThat(this.calls).containsExactly("next boom true");
		assertThat(other.getResponse().getStatusCode()).isEqualTo(HttpStatus.INTERNAL_SERVER_ERROR);
	}

	@Test
	void starterExceptionHandlersAtTheEndStayOneHandler() {
		WebExceptionHandler other = applications((exchange, ex) -> Mono.error(ex));
		WebExceptionHandler answered = new AnsweredRequestHandler(new ServerStatistics());
		WebExceptionHandler pool = new dev.hyperlane.boot.client.PoolExhaustedExceptionHandler();
		List<WebExceptionHandler> handlers = new ArrayList<>(List.of(other, answered, pool));
		StarterWebChain.combineExceptionHandlers(handlers);
		assertThat(handlers).hasSize(2).element(0).isSameAs(other);
		assertThat(handlers.get(1)).isInstanceOfSatisfying(CombinedWebExceptionHandler.class,
				(combined) -> assertThat(combined.handlers()).containsExactly(answered, pool));
		List<WebExceptionHandler> alone = new ArrayList<>(List.of(other, answered));
		StarterWebChain.combineExceptionHandlers(alone);
		assertThat(alone).containsExactly(other, answered);
	}

	/**
	 * An exception handler of a class outside the starter's packages, as an application's is (a lambda of this test
	 * would be of the starter's package).
	 */
	private static WebExceptionHandler applications(WebExceptionHandler handler) {
		return (WebExceptionHandler) Proxy.newProxyInstance(StarterWebChainTests.class.getClassLoader(),
				new Class<?>[] { WebExceptionHandler.class }, (proxy, method, args) -> switch (method.getName()) {
					case "equals" -> proxy == args[0];
					case "hashCode" -> System.identityHashCode(proxy);
					case "toString" -> "an application's exception handler";
					default -> method.invoke(handler, args);
				});
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
