package dev.hyperlane.boot.deadline;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import dev.hyperlane.boot.Deadline;
import dev.hyperlane.boot.HyperlaneSettingException;
import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpHeaders;

/**
 * Reads a request's deadline from its headers and writes the time left into downstream requests, with
 * {@code hyperlane.deadline.*}. Two value syntaxes are understood in every configured header: whole milliseconds
 * (Envoy's {@code x-envoy-expected-rq-timeout-ms: 250}) and gRPC's {@code TimeoutValue TimeoutUnit} (at most 8
 * digits and one of {@code H M S m u n}, {@code grpc-timeout: 250m}, from gRPC's "gRPC over HTTP2" protocol
 * description). A value in neither syntax is ignored, as if the header were absent. Immutable.
 */
public final class DeadlineHeaders {

	private static final String GRPC_TIMEOUT = "grpc-timeout";

	private final List<String> names;

	private final String outgoing;

	private final long maxBudgetNanos;

	private final @Nullable Duration defaultBudget;

	/**
	 * Create the headers from the properties.
	 * @param properties the deadline properties
	 * @throws HyperlaneSettingException when no header is named, a name is blank, the largest budget is not above
	 * zero or the default budget is negative or larger than the largest
	 */
	public DeadlineHeaders(HyperlaneDeadlineProperties properties) {
		List<String> names = properties.headers();
		if (names.isEmpty() || names.stream().anyMatch((name) -> name == null || name.isBlank())) {
			throw new HyperlaneSettingException("hyperlane.deadline.headers", "must list at least one header name",
					"Name the headers that carry a deadline, such as x-envoy-expected-rq-timeout-ms or grpc-timeout;"
							+ " hyperlane.deadline.enabled=false switches deadlines off.");
		}
		Duration max = properties.maxBudget();
		if (max.isNegative() || max.isZero()) {
			throw new HyperlaneSettingException("hyperlane.deadline.max-budget", "must be above 0, was " + max,
					"Set hyperlane.deadline.max-budget to a positive duration such as 300s.");
		}
		Duration fallback = properties.defaultBudget();
		if (fallback != null && (fallback.isNegative() || fallback.isZero() || fallback.compareTo(max) > 0)) {
			throw new HyperlaneSettingException("hyperlane.deadline.default-budget",
					"must be above 0 and at most hyperlane.deadline.max-budget (" + max + "), was " + fallback,
					"Set hyperlane.deadline.default-budget within that range, or leave it unset for no default.");
		}
		this.names = names.stream().map((name) -> name.trim().toLowerCase(Locale.ROOT)).toList();
		this.outgoing = this.names.get(0);
		this.maxBudgetNanos = max.toNanos();
		this.defaultBudget = fallback;
	}

	/**
	 * Return the deadline a request carries: from the first configured header present with a valid value (cut to
	 * the largest budget accepted), else the default budget, else none.
	 * @param headers the request's headers
	 * @return the deadline, possibly already passed, or {@code null} when the request has none
	 */
	public @Nullable Deadline read(HttpHeaders headers) {
		for (String name : this.names) {
			String value = headers.getFirst(name);
			if (value != null) {
				long nanos = parseNanos(value);
				if (nanos >= 0) {
					return Deadline.after(Duration.ofNanos(Math.min(nanos, this.maxBudgetNanos)));
				}
			}
		}
		return (this.defaultBudget != null) ? Deadline.after(this.defaultBudget) : null;
	}

	/**
	 * Write the time left into a downstream request's headers, replacing any value there.
	 * @param headers the downstream request's headers
	 * @param remainingNanos the time left, above zero
	 */
	public void write(HttpHeaders headers, long remainingNanos) {
		long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos));
		headers.set(this.outgoing, GRPC_TIMEOUT.equals(this.outgoing) ? millis + "m" : Long.toString(millis));
	}

	/**
	 * Return the header names read, lower case, in order.
	 * @return the names
	 */
	public List<String> names() {
		return this.names;
	}

	/**
	 * Return the header downstream calls carry the time left in.
	 * @return the name, lower case
	 */
	public String outgoing() {
		return this.outgoing;
	}

	/**
	 * Parse a header value in either syntax.
	 * @param value the value
	 * @return the time in nanoseconds, or -1 when the value is in neither syntax
	 */
	static long parseNanos(String value) {
		String trimmed = value.trim();
		int length = trimmed.length();
		if (length == 0 || length > 18) {
			return -1;
		}
		char last = trimmed.charAt(length - 1);
		boolean plain = Character.isDigit(last);
		String digits = plain ? trimmed : trimmed.substring(0, length - 1);
		if (digits.isEmpty() || (!plain && digits.length() > 8)) {
			return -1;
		}
		for (int i = 0; i < digits.length(); i++) {
			if (!Character.isDigit(digits.charAt(i))) {
				return -1;
			}
		}
		long amount = Long.parseLong(digits);
		TimeUnit unit = switch (last) {
			case 'H' -> TimeUnit.HOURS;
			case 'M' -> TimeUnit.MINUTES;
			case 'S' -> TimeUnit.SECONDS;
			case 'm' -> TimeUnit.MILLISECONDS;
			case 'u' -> TimeUnit.MICROSECONDS;
			case 'n' -> TimeUnit.NANOSECONDS;
			default -> plain ? TimeUnit.MILLISECONDS : null;
		};
		return (unit != null) ? unit.toNanos(amount) : -1;
	}

}
