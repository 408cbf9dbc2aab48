package dev.hyperlane.boot.client;

import reactor.core.publisher.Mono;

import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;

/**
 * An exchange filter that does nothing but mark a {@code WebClient.Builder} as already customized by Spring Boot's
 * {@code WebClientCustomizer} beans, read through the builder's public {@code filters(...)} view. The mark travels
 * with {@code clone()} and {@code mutate()}, so a builder derived from Boot's is recognised too. It passes each
 * request on unchanged.
 */
final class CustomizedMark implements ExchangeFilterFunction {

	static final CustomizedMark INSTANCE = new CustomizedMark();

	private CustomizedMark() {
	}

	@Override
	public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
		return next.exchange(request);
	}

}
