package dev.hyperlane.samples.ecommerce;

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
 * The storefront's answer when its database cannot be reached (the R2DBC pool cannot connect, a connection broke,
 * a statement timed out): 503 with {@code Retry-After: 1} and a problem detail titled "Database unavailable"
 * instead of Spring's 500. Nothing was accepted, so nothing is lost: an order that could not be stored was not
 * charged either, and the caller may send it again. The pool reconnects by itself once the database is back. One
 * WARN line per request, no stack trace. {@code StorefrontDatabaseOutageTests} cuts the link for three seconds.
 */
@RestControllerAdvice
class DatabaseOutageAdvice {

	private static final Log logger = LogFactory.getLog(DatabaseOutageAdvice.class);

	@ExceptionHandler({ DataAccessResourceFailureException.class, TransientDataAccessException.class,
			R2dbcNonTransientResourceException.class, R2dbcTransientResourceException.class })
	ResponseEntity<ProblemDetail> unreachable(Exception ex) {
		logger.warn("Storefront database unreachable: " + ex.getMessage());
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE,
				"the storefront cannot reach its database; nothing was stored or charged, retry later");
		problem.setTitle("Database unavailable");
		return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).header("Retry-After", "1").body(problem);
	}

}
