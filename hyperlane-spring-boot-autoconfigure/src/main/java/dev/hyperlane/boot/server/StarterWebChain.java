package dev.hyperlane.boot.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;

/**
 * Runs the starter's own web filters and exception handlers as fewer links of the application's WebFlux chain, so
 * that they cost per request what WebFlux charges for one:
 * <ul>
 * <li>Starter filters that follow each other in the filter chain run as one link ({@link CombinedWebFilter}): by
 * default, with observability on, {@code ObservationScopeWebFilter} and {@code DeadlineWebFilter}, and
 * {@link ConcurrencyLimitWebFilter} when the concurrency limit is on. WebFlux's chain does per link and request a {@code Mono.defer} and a Reactor checkpoint named after the filter,
 * which plain WebFlux, with no filter, does not pay: 0.2-0.5 KB each (benchmarks/README.md). A filter of the
 * application's ordered between two of the starter's stays a link of its own and keeps its place.</li>
 * <li>Starter exception handlers that follow each other ({@link AnsweredRequestHandler}, and
 * {@code PoolExhaustedExceptionHandler} with the client on) run together with the handler that follows them
 * ({@link CombinedWebExceptionHandler}), by default Spring Boot's error handler: WebFlux puts two operators per
 * exception handler around every request.</li>
 * </ul>
 * Order, errors and answers stay as with separate links. The starter's filters and handlers are those of its own
 * packages ({@code dev.hyperlane.boot}). Applied by Spring Boot to the application's {@code HttpHandler} only.
 */
final class StarterWebChain implements WebHttpHandlerBuilderCustomizer {

	private static final String PACKAGE = "dev.hyperlane.boot.";

	@Override
	public void customize(WebHttpHandlerBuilder builder) {
		builder.filters(StarterWebChain::combineFilters);
		builder.exceptionHandlers(StarterWebChain::combineExceptionHandlers);
	}

	/**
	 * Replace each run of two or more adjacent starter filters with one combined filter, in place.
	 * @param filters the chain's filters, in order
	 */
	static void combineFilters(List<WebFilter> filters) {
		List<WebFilter> combined = new ArrayList<>(filters.size());
		List<WebFilter> run = new ArrayList<>();
		for (WebFilter filter : filters) {
			if (isStarters(filter) && !(filter instanceof CombinedWebFilter)) {
				run.add(filter);
				continue;
			}
			addRun(run, combined, CombinedWebFilter::new);
			combined.add(filter);
		}
		addRun(run, combined, CombinedWebFilter::new);
		filters.clear();
		filters.addAll(combined);
	}

	/**
	 * Replace each run of adjacent starter exception handlers and the handler after it with one combined handler, in
	 * place. A run that ends the list stays one combined handler, or the handler itself when alone.
	 * @param handlers the exception handlers, in order
	 */
	static void combineExceptionHandlers(List<WebExceptionHandler> handlers) {
		List<WebExceptionHandler> combined = new ArrayList<>(handlers.size());
		List<WebExceptionHandler> run = new ArrayList<>();
		for (WebExceptionHandler handler : handlers) {
			run.add(handler);
			if (!isStarters(handler) || handler instanceof CombinedWebExceptionHandler) {
				addRun(run, combined, CombinedWebExceptionHandler::new);
			}
		}
		addRun(run, combined, CombinedWebExceptionHandler::new);
		handlers.clear();
		handlers.addAll(combined);
	}

	/**
	 * Add a run of filters or handlers to the combined list, as one when it holds more than one, and empty the run.
	 */
	private static <T> void addRun(List<T> run, List<T> combined, Function<List<T>, T> combine) {
		if (run.size() > 1) {
			combined.add(combine.apply(List.copyOf(run)));
		}
		else {
			combined.addAll(run);
		}
		run.clear();
	}

	private static boolean isStarters(Object filterOrHandler) {
		return filterOrHandler.getClass().getName().startsWith(PACKAGE);
	}

}
