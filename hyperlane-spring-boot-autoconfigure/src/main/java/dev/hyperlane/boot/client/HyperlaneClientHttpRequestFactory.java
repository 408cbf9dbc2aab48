package dev.hyperlane.boot.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.hyperlane.boot.retry.RetryPolicy;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.ClientHttpRequest;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.ClientHttpResponse;

/**
 * The blocking counterpart of {@link HyperlaneClientHttpConnector} for {@code RestClient} (Spring MVC services):
 * each request runs on the same {@link ServiceClient} as a {@code WebClient} call to that host, so it shares the
 * service's connection pool, timeouts, retry budget and live figures, through Spring's
 * {@code ReactorClientHttpRequestFactory}. The request body is buffered so that the one safe retry can send it
 * again; the retry rules are the connector's.
 */
public final class HyperlaneClientHttpRequestFactory implements ClientHttpRequestFactory {

	private final HyperlaneClientHttpConnector connector;

	/**
	 * Create a request factory on the connector's service clients.
	 * @param connector the connector that owns the service clients
	 */
	public HyperlaneClientHttpRequestFactory(HyperlaneClientHttpConnector connector) {
		this.connector = connector;
	}

	@Override
	public ClientHttpRequest createRequest(URI uri, HttpMethod httpMethod) {
		return new BufferedRequest(this.connector.clientFor(uri.getHost()), uri, httpMethod);
	}

	private static final class BufferedRequest implements ClientHttpRequest {

		private final ServiceClient client;

		private final URI uri;

		private final HttpMethod method;

		private final HttpHeaders headers = new HttpHeaders();

		private final Map<String, Object> attributes = new LinkedHashMap<>();

		private final ByteArrayOutputStream body = new ByteArrayOutputStream(256);

		BufferedRequest(ServiceClient client, URI uri, HttpMethod method) {
			this.client = client;
			this.uri = uri;
			this.method = method;
		}

		@Override
		public HttpMethod getMethod() {
			return this.method;
		}

		@Override
		public URI getURI() {
			return this.uri;
		}

		@Override
		public HttpHeaders getHeaders() {
			return this.headers;
		}

		@Override
		public Map<String, Object> getAttributes() {
			return this.attributes;
		}

		@Override
		public OutputStream getBody() {
			return this.body;
		}

		@Override
		public ClientHttpResponse execute() throws IOException {
			this.client.statistics().counts().increment(ClientStatistics.Count.REQUESTS);
			this.client.retryPolicy().record();
			SameInstanceRetry retry = new SameInstanceRetry(this.client) {

				@Override
				boolean replayable() {
					return RetryPolicy.isReplayable(BufferedRequest.this.method, BufferedRequest.this.headers);
				}

				@Override
				boolean written() {
					return true;
				}

				@Override
				boolean expired() {
					return false;
				}

			};
			try {
				// the backoff waits, and the retry runs, where blocking is allowed
				return retry.run((number) -> Mono.fromCallable(() -> send((number == 0)
						? this.client.requestFactory() : this.client.freshRequestFactory())),
						Schedulers.boundedElastic()).block();
			}
			catch (RuntimeException ex) {
				if (Exceptions.unwrap(ex) instanceof IOException io) {
					throw io;
				}
				throw ex;
			}
		}

		private ClientHttpResponse send(ClientHttpRequestFactory factory) throws IOException {
			ClientHttpRequest request = factory.createRequest(this.uri, this.method);
			request.getHeaders().putAll(this.headers);
			request.getAttributes().putAll(this.attributes);
			if (this.body.size() > 0) {
				this.body.writeTo(request.getBody());
			}
			return request.execute();
		}

	}

}
