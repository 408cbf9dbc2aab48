/**
 * Deadline propagation: the caller's remaining time read from the request, kept with it, honoured by every call made
 * on its behalf and passed on to the next service.
 */
@NullMarked
package dev.hyperlane.boot.deadline;

import org.jspecify.annotations.NullMarked;
