package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.util.Map;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The view of a request that carries the balancer's attempt: the request's own parts, its attributes and the
 * attempt, readable by key and when copied as Spring Cloud copies them into the request for the chosen instance.
 */
class AttemptRequestTests {

	private final ExchangeFunction next = (request) -> Mono.empty();

	@Test
	void carriesTheAttemptNextToTheRequestsOwnAttributes() {
		ClientRequest request = ClientRequest.create(HttpMethod.POST, URI.create("http://payments/charges"))
			.header("Idempotency-Key", "k1")
			.cookie("session", "s1")
			.attribute("app", "value")
			.body(BodyInserters.fromValue("body"))
			.build();
		Attempt attempt = new Attempt("payments", false, null, this.next, null);
		ClientRequest view = new AttemptRequest(request, attempt);
		assertThat(view.method()).isEqualTo(HttpMethod.POST);
		assertThat(view.url()).isEqualTo(request.url());
		assertThat(view.headers()).isSameAs(request.headers());
		assertThat(view.cookies()).isSameAs(request.cookies());
		assertThat(view.body()).isSameAs(request.body());
		assertThat(view.logPrefix()).isEqualTo(request.logPrefix());
		assertThat(view.attribute(Attempt.ATTRIBUTE)).containsSame(attempt);
		assertThat(view.attribute("app")).contains("value");
		assertThat(view.attributes()).hasSize(request.attributes().size() + 1)
			.containsEntry(Attempt.ATTRIBUTE, attempt)
			.containsAllEntriesOf(request.attributes());
		assertThatExceptionOfType(UnsupportedOperationException.class)
			.isThrownBy(() -> view.attributes().put("other", "value"));
		// what Spring Cloud does for the chosen instance: a new request with every attribute copied
		ClientRequest copied = ClientRequest.from(view).url(URI.create("http://127.0.0.1:8081/charges")).build();
		assertThat(copied.attributes()).containsEntry(Attempt.ATTRIBUTE, attempt).containsEntry("app", "value");
		assertThat(copied.headers().getFirst("Idempotency-Key")).isEqualTo("k1");
		assertThat(copied.cookies().getFirst("session")).isEqualTo("s1");
	}

	@Test
	void hidesAnAttributeOfTheSameNameInTheRequest() {
		ClientRequest request = ClientRequest.create(HttpMethod.GET, URI.create("http://payments/"))
			.attribute(Attempt.ATTRIBUTE, "stale")
			.build();
		Attempt attempt = new Attempt("payments", false, null, this.next, null);
		Map<String, Object> attributes = new AttemptRequest(request, attempt).attributes();
		assertThat(attributes).hasSize(request.attributes().size()).containsEntry(Attempt.ATTRIBUTE, attempt);
		assertThat(attributes.entrySet()).filteredOn((entry) -> entry.getKey().equals(Attempt.ATTRIBUTE)).hasSize(1);
	}

}
