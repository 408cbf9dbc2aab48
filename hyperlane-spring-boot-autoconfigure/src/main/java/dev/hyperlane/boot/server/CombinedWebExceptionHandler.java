package dev.hyperlane.boot.server;

import java.util.List;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import org.springframework.web.server.handler.ExceptionHandlingWebHandler;

/**
 * Adjacent exception handlers run as one ({@link StarterWebChain}): the first gets the error, each next one the error
 * the previous one ended with, with {@link ExceptionHandlingWebHandler#HANDLED_WEB_EXCEPTION} set to it, as WebFlux's
 * {@code ExceptionHandlingWebHandler} passes an error along its list. That handler puts two operators per handler
 * around every request, errors or not (about 0.1 KB each); combined, the handlers after the first cost nothing until
 * an error arrives.
 */
final class CombinedWebExceptionHandler implements WebExceptionHandler {

	private final WebExceptionHandler[] handlers;

	/**
	 * Combine exception handlers.
	 * @param handlers the handlers in order, at least two
	 */
	CombinedWebExceptionHandler(List<WebExceptionHandler> handlers) {
		if (handlers.size() < 2) {
			throw new IllegalArgumentException("at least two handlers to combine, got " + handlers.size());
		}
		this.handlers = handlers.toArray(new WebExceptionHandler[0]);
	}

	/**
	 * Return the handlers in order.
	 * @return the handlers
	 */
	List<WebExceptionHandler> handlers() {
		return List.of(this.handlers);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		Mono<Void> completion = Mono.defer(() -> this.handlers[0].handle(exchange, ex));
		for (int i = 1; i < this.handlers.length; i++) {
			WebExceptionHandler handler = this.handlers[i];
			completion = completion
				.doOnError((error) -> exchange.getAttributes()
					.put(ExceptionHandlingWebHandler.HANDLED_WEB_EXCEPTION, error))
				.onErrorResume((error) -> handler.handle(exchange, error));
		}
		return completion;
	}

}
