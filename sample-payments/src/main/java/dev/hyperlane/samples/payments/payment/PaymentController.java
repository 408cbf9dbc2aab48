package dev.hyperlane.samples.payments.payment;

import java.net.URI;
import java.util.UUID;

import jakarta.validation.Valid;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import dev.hyperlane.samples.payments.acquirer.AcquirerUnavailableException;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code POST /payments} with an {@code Idempotency-Key} header (1 to 255 visible characters) authorizes a payment:
 * 201 with the payment and its {@code Location} for the first request and every repeat of it (repeats also carry
 * {@code Idempotent-Replayed: true}). {@code GET /payments/{id}} answers 200 or 404. Errors are RFC 9457 problem
 * details: 400 (missing key, invalid body), 409 with {@code Retry-After} (the first request is still being
 * authorized), 422 (the key was used for another request), 502 (the acquirer failed; nothing was authorized and
 * the same key may be retried), and 503 with {@code Retry-After} when the database cannot be reached
 * ({@code DatabaseUnavailableHandler}). The status codes for key reuse and concurrent use follow the IETF draft
 * "The Idempotency-Key HTTP Header Field" (draft-ietf-httpapi-idempotency-key-header).
 */
@RestController
class PaymentController {

	static final String IDEMPOTENCY_KEY = "Idempotency-Key";

	private static final Log logger = LogFactory.getLog(PaymentController.class);

	private final Authorizations authorizations;

	PaymentController(Authorizations authorizations) {
		this.authorizations = authorizations;
	}

	@PostMapping("/payments")
	Mono<ResponseEntity<Payment>> authorize(@RequestHeader(IDEMPOTENCY_KEY) String idempotencyKey,
			@Valid @RequestBody PaymentRequest request) {
		if (idempotencyKey.isBlank() || idempotencyKey.length() > 255 || !idempotencyKey.matches("\\p{Graph}+")) {
			return Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST,
					IDEMPOTENCY_KEY + " must be 1 to 255 visible ASCII characters"));
		}
		return this.authorizations.authorize(idempotencyKey, request).map((outcome) -> {
			Payment payment = outcome.payment();
			logger.info("Payment " + payment.id() + " for order " + payment.orderReference() + " "
					+ payment.status() + (outcome.replayed() ? " (replayed)" : ""));
			ResponseEntity.BodyBuilder response = ResponseEntity.created(URI.create("/payments/" + payment.id()));
			if (outcome.replayed()) {
				response.header("Idempotent-Replayed", "true");
			}
			return response.body(payment);
		});
	}

	@GetMapping("/payments/{id}")
	Mono<Payment> get(@PathVariable UUID id) {
		return this.authorizations.find(id)
			.switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no payment " + id)));
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> keyReused(IdempotencyKeyReusedException ex) {
		return problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency-Key reused", ex.getMessage());
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> stillProcessing(StillProcessingException ex) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
		problem.setTitle("Payment still being authorized");
		return ResponseEntity.status(HttpStatus.CONFLICT).header("Retry-After", "1").body(problem);
	}

	@ExceptionHandler
	ResponseEntity<ProblemDetail> acquirerUnavailable(AcquirerUnavailableException ex) {
		return problem(HttpStatus.BAD_GATEWAY, "Acquirer unavailable",
				ex.getMessage() + "; nothing was authorized, retry with the same " + IDEMPOTENCY_KEY);
	}

	private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String title, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		problem.setTitle(title);
		return ResponseEntity.status(status).body(problem);
	}

}
