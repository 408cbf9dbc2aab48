package dev.hyperlane.samples.payments.payment;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import reactor.core.publisher.Mono;

import dev.hyperlane.samples.payments.PaymentsProperties;
import dev.hyperlane.samples.payments.acquirer.AcquirerDecision;
import dev.hyperlane.samples.payments.acquirer.AcquirerUnavailableException;
import dev.hyperlane.samples.payments.acquirer.SimulatedAcquirer;

import org.springframework.stereotype.Service;

/**
 * Authorizes each idempotency key at most once, across threads and instances. The first request for a key inserts
 * a {@code PROCESSING} row (the unique constraint lets exactly one insert win), asks the acquirer and records the
 * decision; every other request for the key reads that row: the stored answer when it is complete, a wait of at
 * most {@code payments.idempotency.wait-timeout} while it is processing, a take-over when it has been processing
 * for longer than {@code payments.idempotency.processing-timeout} (its instance stopped). A waiting duplicate
 * looks again after {@code payments.idempotency.poll-interval}, doubled after each look up to 500 ms. A technical
 * failure of the acquirer deletes the row, so a retry with the same key authorizes afresh. Time stamps are kept to
 * the millisecond, which both PostgreSQL and H2 store exactly.
 */
@Service
public class Authorizations {

	private static final Duration MAX_PAUSE = Duration.ofMillis(500);

	private final PaymentStore store;

	private final SimulatedAcquirer acquirer;

	private final String instance;

	private final PaymentsProperties.Idempotency idempotency;

	private final Clock clock;

	Authorizations(PaymentStore store, SimulatedAcquirer acquirer, PaymentsProperties properties) {
		this.store = store;
		this.acquirer = acquirer;
		this.instance = properties.getInstanceId();
		this.idempotency = properties.getIdempotency();
		this.clock = Clock.systemUTC();
	}

	/**
	 * Authorize a payment once for its key.
	 * @param idempotencyKey the caller's key
	 * @param request the request
	 * @return the outcome: the payment and whether it was answered before; errors are
	 * {@link IdempotencyKeyReusedException} (another request under the same key),
	 * {@link StillProcessingException} (the first request outlasted the wait) and
	 * {@link AcquirerUnavailableException} (nothing authorized, the key is free again)
	 */
	public Mono<Outcome> authorize(String idempotencyKey, PaymentRequest request) {
		String fingerprint = request.fingerprint();
		Instant deadline = now().plus(this.idempotency.getWaitTimeout());
		return attempt(idempotencyKey, request, fingerprint, deadline, this.idempotency.getPollInterval());
	}

	private Mono<Outcome> attempt(String key, PaymentRequest request, String fingerprint, Instant deadline,
			Duration pause) {
		return this.store.findByKey(key)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((found) -> found.isPresent() ? existing(found.get(), fingerprint)
					: insertAndAuthorize(key, request, fingerprint))
			.switchIfEmpty(Mono.defer(() -> {
				// lost a race, or the first request is still with the acquirer: look again shortly
				if (now().isAfter(deadline)) {
					return Mono.error(new StillProcessingException(key));
				}
				// back off, so that many waiting duplicates do not crowd out the request they wait for
				Duration next = pause.multipliedBy(2).compareTo(MAX_PAUSE) < 0 ? pause.multipliedBy(2) : MAX_PAUSE;
				return Mono.delay(pause).then(Mono.defer(() -> attempt(key, request, fingerprint, deadline, next)));
			}));
	}

	private Mono<Outcome> existing(Payment existing, String fingerprint) {
		if (!existing.requestFingerprint().equals(fingerprint)) {
			return Mono.error(new IdempotencyKeyReusedException(existing.idempotencyKey()));
		}
		if (existing.status() != PaymentStatus.PROCESSING) {
			return Mono.just(new Outcome(existing, true));
		}
		Duration age = Duration.between(existing.updatedAt(), now());
		if (age.compareTo(this.idempotency.getProcessingTimeout()) > 0) {
			Instant now = now();
			return this.store.takeOver(existing, this.instance, now)
				.filter(Boolean::booleanValue)
				.flatMap((owned) -> ask(withOwner(existing, now)));
		}
		return Mono.empty();
	}

	private Mono<Outcome> insertAndAuthorize(String key, PaymentRequest request, String fingerprint) {
		Instant now = now();
		Payment processing = new Payment(UUID.randomUUID(), key, fingerprint, request.orderReference(),
				request.amount(), request.currency(), PaymentStatus.PROCESSING, null, null, this.instance, now, now);
		return this.store.insert(processing)
			.filter(Boolean::booleanValue)
			.flatMap((inserted) -> ask(processing));
	}

	private Mono<Outcome> ask(Payment processing) {
		return this.acquirer.authorize(processing.id(), processing.amount(), processing.currency())
			.onErrorResume(AcquirerUnavailableException.class,
					(ex) -> this.store.release(processing).then(Mono.error(ex)))
			.flatMap((decision) -> record(processing, decision));
	}

	private Mono<Outcome> record(Payment processing, AcquirerDecision decision) {
		PaymentStatus status = decision.approved() ? PaymentStatus.AUTHORIZED : PaymentStatus.DECLINED;
		Instant now = now();
		// not completed: another request took the payment over meanwhile; its answer is awaited like a duplicate's
		return this.store
			.complete(processing, status, decision.authorizationCode(), decision.declineReason(), now)
			.filter(Boolean::booleanValue)
			.flatMap((completed) -> this.store.findById(processing.id()))
			.map((stored) -> new Outcome(stored, false));
	}

	private Payment withOwner(Payment payment, Instant now) {
		return new Payment(payment.id(), payment.idempotencyKey(), payment.requestFingerprint(),
				payment.orderReference(), payment.amount(), payment.currency(), payment.status(),
				payment.authorizationCode(), payment.declineReason(), this.instance, payment.createdAt(), now);
	}

	/**
	 * A payment by its identifier.
	 * @param id the identifier
	 * @return the payment, or empty
	 */
	public Mono<Payment> find(UUID id) {
		return this.store.findById(id);
	}

	private Instant now() {
		return this.clock.instant().truncatedTo(ChronoUnit.MILLIS);
	}

	/**
	 * The answer to an authorization.
	 *
	 * @param payment the payment as stored
	 * @param replayed whether an earlier request with the same key created it
	 */
	public record Outcome(Payment payment, boolean replayed) {

	}

}
