package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ClientHttpRequest;
import org.springframework.util.MultiValueMap;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ExchangeStrategies;

/**
 * The application's request with one more attribute, the load balancer's {@link Attempt} under
 * {@link Attempt#ATTRIBUTE}, without copying it: {@code ClientRequest.from(request).attribute(...).build()} copies
 * the headers, the cookies and the attributes into new maps for every call (1.4 KB per call, async-profiler, S4
 * {@code GET /edge/backends} at 64 connections, benchmarks/README.md), although Spring Cloud's filter only reads
 * this request and builds its own for the chosen instance. Everything but the attributes is the request's own; the
 * attributes are a read-only view of the request's with the attempt in front (an attribute of the same name in
 * the request is hidden). Immutable, as Spring's requests are.
 */
final class AttemptRequest implements ClientRequest {

	private final ClientRequest request;

	private final Map<String, Object> attributes;

	AttemptRequest(ClientRequest request, Attempt attempt) {
		this.request = request;
		this.attributes = new WithAttempt(request.attributes(), attempt);
	}

	@Override
	public HttpMethod method() {
		return this.request.method();
	}

	@Override
	public URI url() {
		return this.request.url();
	}

	@Override
	public HttpHeaders headers() {
		return this.request.headers();
	}

	@Override
	public MultiValueMap<String, String> cookies() {
		return this.request.cookies();
	}

	@Override
	public BodyInserter<?, ? super ClientHttpRequest> body() {
		return this.request.body();
	}

	@Override
	public Optional<Object> attribute(String name) {
		return Optional.ofNullable(this.attributes.get(name));
	}

	@Override
	public Map<String, Object> attributes() {
		return this.attributes;
	}

	@Override
	public Consumer<ClientHttpRequest> httpRequest() {
		return this.request.httpRequest();
	}

	@Override
	public String logPrefix() {
		return this.request.logPrefix();
	}

	@Override
	public Mono<Void> writeTo(ClientHttpRequest request, ExchangeStrategies strategies) {
		return this.request.writeTo(request, strategies);
	}

	@Override
	public String toString() {
		return this.request.toString();
	}

	/**
	 * A read-only view of the request's attributes with the attempt added.
	 */
	private static final class WithAttempt extends AbstractMap<String, Object> {

		private final Map<String, Object> attributes;

		private final Attempt attempt;

		WithAttempt(Map<String, Object> attributes, Attempt attempt) {
			this.attributes = attributes;
			this.attempt = attempt;
		}

		@Override
		public @Nullable Object get(@Nullable Object key) {
			return Attempt.ATTRIBUTE.equals(key) ? this.attempt : this.attributes.get(key);
		}

		@Override
		public boolean containsKey(@Nullable Object key) {
			return Attempt.ATTRIBUTE.equals(key) || this.attributes.containsKey(key);
		}

		@Override
		public int size() {
			return this.attributes.size() + (this.attributes.containsKey(Attempt.ATTRIBUTE) ? 0 : 1);
		}

		@Override
		public Set<Entry<String, Object>> entrySet() {
			return new AbstractSet<>() {

				@Override
				public Iterator<Entry<String, Object>> iterator() {
					return new Entries(WithAttempt.this.attributes.entrySet().iterator(), WithAttempt.this.attempt);
				}

				@Override
				public int size() {
					return WithAttempt.this.size();
				}

			};
		}

	}

	/**
	 * The attempt's entry, then the request's other attributes.
	 */
	private static final class Entries implements Iterator<Map.Entry<String, Object>> {

		private final Iterator<Map.Entry<String, Object>> others;

		private Map.@Nullable Entry<String, Object> next;

		Entries(Iterator<Map.Entry<String, Object>> others, Attempt attempt) {
			this.others = others;
			this.next = Map.entry(Attempt.ATTRIBUTE, attempt);
		}

		@Override
		public boolean hasNext() {
			while (this.next == null && this.others.hasNext()) {
				Map.Entry<String, Object> entry = this.others.next();
				if (!Attempt.ATTRIBUTE.equals(entry.getKey())) {
					this.next = Map.entry(entry.getKey(), entry.getValue());
				}
			}
			return this.next != null;
		}

		@Override
		public Map.Entry<String, Object> next() {
			if (!hasNext()) {
				throw new NoSuchElementException();
			}
			Map.Entry<String, Object> entry = this.next;
			this.next = null;
			return entry;
		}

	}

}
