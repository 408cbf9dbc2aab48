package dev.hyperlane.boot.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A bare HTTP/1.1 client on one {@link Socket}, for tests that must control every byte the server receives: oversized
 * request lines and headers, trickled headers, idle keep-alive connections. Every read is bounded by the socket's
 * timeout, so a test never hangs on a server that does not answer.
 */
final class RawHttpConnection implements Closeable {

	/** The longest a single read may block. */
	static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

	private final Socket socket;

	private final InputStream in;

	private final OutputStream out;

	/**
	 * Connect to the server on the loopback address.
	 * @param port the server's port
	 * @throws IOException when the connection fails
	 */
	RawHttpConnection(int port) throws IOException {
		this.socket = new Socket();
		this.socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
		this.socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
		this.socket.setTcpNoDelay(true);
		this.in = new BufferedInputStream(this.socket.getInputStream());
		this.out = this.socket.getOutputStream();
	}

	/**
	 * Write ASCII text as it is and flush it.
	 * @param text the bytes to send, CRLFs included
	 * @throws IOException when the write fails (the server closed the connection)
	 */
	void write(String text) throws IOException {
		this.out.write(text.getBytes(StandardCharsets.ISO_8859_1));
		this.out.flush();
	}

	/**
	 * Send a {@code GET} request with the given extra header lines and read its response.
	 * @param target the request target, such as {@code /small}
	 * @param headerLines header lines without their CRLF, such as {@code Accept-Encoding: gzip}
	 * @return the response
	 * @throws IOException when the exchange fails or times out
	 */
	Response get(String target, String... headerLines) throws IOException {
		StringBuilder request = new StringBuilder("GET ").append(target).append(" HTTP/1.1\r\nHost: localhost\r\n");
		for (String line : headerLines) {
			request.append(line).append("\r\n");
		}
		write(request.append("\r\n").toString());
		return readResponse();
	}

	/**
	 * Send a {@code POST} request with a {@code Content-Length} body and read its response. A server that answers
	 * before the whole body arrived (413) may close the connection while the body is still being written; the
	 * response is read all the same.
	 * @param target the request target
	 * @param contentType the body's content type
	 * @param body the body
	 * @return the response
	 * @throws IOException when no response arrives
	 */
	Response post(String target, String contentType, byte[] body) throws IOException {
		write("POST " + target + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + contentType
				+ "\r\nContent-Length: " + body.length + "\r\n\r\n");
		try {
			this.out.write(body);
			this.out.flush();
		}
		catch (IOException ex) {
			// the server answered early and closed: the response is already waiting
		}
		return readResponse();
	}

	/**
	 * Write raw bytes as they are and flush them.
	 * @param bytes the bytes
	 * @throws IOException when the write fails
	 */
	void write(byte[] bytes) throws IOException {
		this.out.write(bytes);
		this.out.flush();
	}

	/**
	 * Return whether response bytes are waiting to be read.
	 * @return {@code true} when a read would not block
	 * @throws IOException when the socket is broken
	 */
	boolean hasData() throws IOException {
		return this.in.available() > 0;
	}

	/**
	 * Read one response: status line, headers and a body framed by {@code Content-Length}, chunked transfer encoding
	 * or the end of the connection.
	 * @return the response
	 * @throws IOException when the connection ends early or a read times out
	 */
	Response readResponse() throws IOException {
		String statusLine = readLine();
		if (statusLine == null) {
			throw new EOFException("connection closed before a response");
		}
		String[] parts = statusLine.split(" ", 3);
		int status = Integer.parseInt(parts[1]);
		Map<String, String> headers = new LinkedHashMap<>();
		String line;
		while ((line = readLine()) != null && !line.isEmpty()) {
			int colon = line.indexOf(':');
			headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
		}
		byte[] body;
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = readChunked();
		}
		else if (headers.containsKey("content-length")) {
			body = readExactly(Integer.parseInt(headers.get("content-length")));
		}
		else if ("close".equalsIgnoreCase(headers.get("connection"))) {
			body = this.in.readAllBytes();
		}
		else {
			body = new byte[0];
		}
		return new Response(status, headers, body);
	}

	/**
	 * Wait for the server to close the connection.
	 * @param timeout how long to wait
	 * @return {@code true} when the server closed (or reset) the connection within the timeout, {@code false} when the
	 * connection was still open and silent
	 * @throws IOException when the server sent data instead
	 */
	boolean closedByServerWithin(Duration timeout) throws IOException {
		this.socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
		try {
			int read = this.in.read();
			if (read != -1) {
				throw new IOException("expected the connection to close, but the server sent data");
			}
			return true;
		}
		catch (SocketTimeoutException ex) {
			return false;
		}
		catch (SocketException ex) {
			return true;
		}
		finally {
			if (!this.socket.isClosed()) {
				this.socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
			}
		}
	}

	private byte[] readChunked() throws IOException {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		while (true) {
			String sizeLine = readLine();
			if (sizeLine == null) {
				throw new EOFException("connection closed inside a chunked body");
			}
			int semicolon = sizeLine.indexOf(';');
			int size = Integer.parseInt((semicolon >= 0) ? sizeLine.substring(0, semicolon) : sizeLine.trim(), 16);
			if (size == 0) {
				String trailer;
				while ((trailer = readLine()) != null && !trailer.isEmpty()) {
					// trailers are not needed
				}
				return body.toByteArray();
			}
			body.write(readExactly(size));
			readLine();
		}
	}

	private byte[] readExactly(int length) throws IOException {
		byte[] bytes = this.in.readNBytes(length);
		if (bytes.length != length) {
			throw new EOFException("expected " + length + " bytes, got " + bytes.length);
		}
		return bytes;
	}

	private @Nullable String readLine() throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = this.in.read()) != -1) {
			if (b == '\n') {
				String text = line.toString(StandardCharsets.ISO_8859_1);
				return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
			}
			line.write(b);
		}
		return (line.size() > 0) ? line.toString(StandardCharsets.ISO_8859_1) : null;
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

	/**
	 * A response as received.
	 *
	 * @param status the status code
	 * @param headers the headers, names in lower case
	 * @param body the body as sent (still compressed when it was), chunks joined
	 */
	record Response(int status, Map<String, String> headers, byte[] body) {

		@Nullable String header(String name) {
			return this.headers.get(name.toLowerCase(Locale.ROOT));
		}

		String text() {
			return new String(this.body, StandardCharsets.UTF_8);
		}

	}

}
