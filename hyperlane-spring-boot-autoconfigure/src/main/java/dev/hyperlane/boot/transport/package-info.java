/**
 * Native transport choice, event loops, the buffer allocator and the socket-option vocabulary, shared by
 * the server and the clients.
 */
@NullMarked
package dev.hyperlane.boot.transport;

import org.jspecify.annotations.NullMarked;
