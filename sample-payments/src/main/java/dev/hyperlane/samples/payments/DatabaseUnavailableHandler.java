package dev.hyperlane.samples.payments;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTransientResourceException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Answers a request that failed because PostgreSQL could not be reached (the R2DBC pool could not connect or
 * validate a connection, a connection broke, a statement timed out) with 503, {@code Retry-After: 1} and an RFC 9457
 * problem detail titled "Database unavailable", instead of Spring's 500. The pool connects again by itself on the
 * next request once the database is back, so a caller that waits and retries (with the same
 * {@code Idempotency-Key}, which still authorizes at most once) gets through without a restart of this service;
 * Hyperlane's balancer on the calling side takes the 503 as a failure and tries another instance. One WARN line per
 * request, without a stack trace. {@code DatabaseOutageTests} cuts the database link for three seconds and shows
 * both.
 */
@RestControllerAdvice
class DatabaseUnavailableHandler {

	private static final Log logger = LogFactory.getLog(DatabaseUnavailableHandler.class);

	/**
	 * Seconds a caller is asked to wait: a new connection to a database that is back takes milliseconds, and a
	 * longer outage is met by the caller retrying again.
	 */
	static final String RETRY_AFTER_SECONDS = "1";

	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			R2dbcNonTransientResourceException.class, R2dbcTransientResourceException.class })
	ResponseEntity<ProblemDetail> databaseUnavailable(Exception ex) {
		logger.warn("Database unavailable: " + ex.getMessage()
				+ ((ex.getCause() != null) ? " (" + ex.getCause().getMessage() + ")" : ""));
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"payments cannot reach its database; retry later with the same Idempotency-Key, which is authorized"
						+ " at most once");
		problem.setTitle("Database unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
			.header("Retry-After", RETRY_AFTER_SECONDS)
			.body(problem);
	}

}
