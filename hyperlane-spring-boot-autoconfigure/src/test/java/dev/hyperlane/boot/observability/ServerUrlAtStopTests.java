package dev.hyperlane.boot.observability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.server.reactive.observation.DefaultServerRequestObservationConvention;
import org.springframework.http.server.reactive.observation.ServerHttpObservationDocumentation;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationConvention;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ServerUrlAtStop}: a server request's high-cardinality key values are computed when its observation stops
 * only, and handlers see the same key values at stop as with Spring's convention alone.
 */
class ServerUrlAtStopTests {

	private static final DefaultServerRequestObservationConvention DEFAULT = new DefaultServerRequestObservationConvention();

	@Test
	void highCardinalityKeyValuesAreComputedAtStopOnly() {
		Recorded atStop = observe(true);
		assertThat(atStop.highAtStart()).isEmpty();
		assertThat(atStop.highAtStop()).isNotEmpty();
		Recorded spring = observe(false);
		assertThat(spring.highAtStart()).isNotEmpty();
		assertThat(atStop.highAtStop()).isEqualTo(spring.highAtStop());
		assertThat(atStop.lowAtStart()).isEqualTo(spring.lowAtStart());
		assertThat(atStop.lowAtStop()).isEqualTo(spring.lowAtStop());
		assertThat(atStop.lowAtStop()).contains("uri=/orders/{id}");
		assertThat(atStop.highAtStop()).contains("http.url=/orders/42");
	}

	@Test
	void theApplicationsConventionIsWrapped() {
		ServerRequestObservationConvention own = new DefaultServerRequestObservationConvention("own.requests");
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("own", own);
		ServerUrlAtStop atStop = new ServerUrlAtStop(beans.getBeanProvider(ServerRequestObservationConvention.class));
		assertThat(atStop.convention()).isSameAs(own);
		assertThat(new ServerUrlAtStop.AtStop(own).getName()).isEqualTo("own.requests");
	}

	private static Recorded observe(boolean atStop) {
		ObservationRegistry registry = ObservationRegistry.create();
		Recorded recorded = new Recorded(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
		registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public void onStart(Observation.Context context) {
				recorded.lowAtStart().addAll(list(context.getLowCardinalityKeyValues()));
				recorded.highAtStart().addAll(list(context.getHighCardinalityKeyValues()));
			}

			@Override
			public void onStop(Observation.Context context) {
				recorded.lowAtStop().addAll(list(context.getLowCardinalityKeyValues()));
				recorded.highAtStop().addAll(list(context.getHighCardinalityKeyValues()));
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

		});
		ServerRequestObservationConvention convention = DEFAULT;
		if (atStop) {
			ServerUrlAtStop filter = new ServerUrlAtStop(new StaticListableBeanFactory()
				.getBeanProvider(ServerRequestObservationConvention.class));
			registry.observationConfig().observationFilter(filter);
			convention = new ServerUrlAtStop.AtStop(filter.convention());
		}
		MockServerHttpRequest request = MockServerHttpRequest.get("/orders/42").build();
		ServerRequestObservationContext context = new ServerRequestObservationContext(request,
				new MockServerHttpResponse(), new HashMap<>());
		Observation observation = ServerHttpObservationDocumentation.HTTP_REACTIVE_SERVER_REQUESTS
			.observation(convention, DEFAULT, () -> context, registry);
		observation.start();
		context.setPathPattern("/orders/{id}");
		observation.stop();
		return recorded;
	}

	private static List<String> list(KeyValues keyValues) {
		return keyValues.stream().map((keyValue) -> keyValue.getKey() + "=" + keyValue.getValue()).toList();
	}

	private record Recorded(List<String> lowAtStart, List<String> highAtStart, List<String> lowAtStop,
			List<String> highAtStop) {

	}

}
