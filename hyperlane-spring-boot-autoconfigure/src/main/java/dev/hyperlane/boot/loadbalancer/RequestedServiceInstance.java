package dev.hyperlane.boot.loadbalancer;

import java.net.URI;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.cloud.client.ServiceInstance;

/**
 * A chosen instance named by the service id it was requested under ({@code payments} in
 * {@code http://payments/...}) rather than by the id its discovery client gives it: Eureka names every instance by
 * its application name in upper case ({@code PAYMENTS}), so balancer state, meters and the per-service HTTP pool
 * would otherwise be kept under a second name that the choice and {@code hyperlane.client.services.<id>} never
 * read. Everything else is the discovered instance's.
 */
record RequestedServiceInstance(String serviceId, ServiceInstance discovered) implements ServiceInstance {

	/**
	 * The instance as it was discovered when its id already matches, else a view with the requested id.
	 * @param serviceId the service id of the request
	 * @param discovered the instance the discovery client listed
	 * @return an instance whose {@link #getServiceId()} is {@code serviceId}
	 */
	static ServiceInstance of(String serviceId, ServiceInstance discovered) {
		return serviceId.equals(discovered.getServiceId()) ? discovered
				: new RequestedServiceInstance(serviceId, discovered);
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public @Nullable String getInstanceId() {
		return this.discovered.getInstanceId();
	}

	@Override
	public String getHost() {
		return this.discovered.getHost();
	}

	@Override
	public int getPort() {
		return this.discovered.getPort();
	}

	@Override
	public boolean isSecure() {
		return this.discovered.isSecure();
	}

	@Override
	public URI getUri() {
		return this.discovered.getUri();
	}

	@Override
	public Map<String, String> getMetadata() {
		return this.discovered.getMetadata();
	}

	@Override
	public @Nullable String getScheme() {
		return this.discovered.getScheme();
	}

}
