package dev.hyperlane.boot.server;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;

/**
 * Follows the bytes a client sends on an HTTP/2 connection, without consuming them, far enough to tell whether it
 * is in the middle of the connection preface, a frame header, a frame other than DATA, or a header block (HEADERS or
 * PUSH_PROMISE and their CONTINUATION frames, RFC 9113 section 4.3). Those are what the request-header timeout
 * bounds on HTTP/2; the payload of a DATA frame is a request body, left to the read and request timeouts. Frame
 * layout from RFC 9113 section 4.1: a 9-byte header (24-bit length, 8-bit type, 8-bit flags, 32-bit stream id), then
 * the payload. Not thread-safe: one per connection, used on its event loop.
 */
final class Http2FrameScanner {

	private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	private static final int FRAME_HEADER_LENGTH = 9;

	private static final int DATA = 0x0;

	private static final int HEADERS = 0x1;

	private static final int PUSH_PROMISE = 0x5;

	private static final int CONTINUATION = 0x9;

	private static final int END_HEADERS = 0x4;

	private final byte[] frameHeader = new byte[FRAME_HEADER_LENGTH];

	private int prefaceRead;

	private boolean notPreface;

	private int frameHeaderRead;

	private long payloadLeft;

	private int type;

	private boolean headerBlockOpen;

	/**
	 * Scan bytes from their reader index on; the buffer is left untouched.
	 * @param buffer bytes as received
	 */
	void scan(ByteBuf buffer) {
		int index = buffer.readerIndex();
		int end = buffer.writerIndex();
		while (index < end && !this.notPreface) {
			if (this.prefaceRead < PREFACE.length) {
				if (buffer.getByte(index) != PREFACE[this.prefaceRead]) {
					this.notPreface = true;
					return;
				}
				this.prefaceRead++;
				index++;
			}
			else if (this.payloadLeft > 0) {
				int skipped = (int) Math.min(this.payloadLeft, end - index);
				this.payloadLeft -= skipped;
				index += skipped;
			}
			else {
				this.frameHeader[this.frameHeaderRead++] = buffer.getByte(index++);
				if (this.frameHeaderRead == FRAME_HEADER_LENGTH) {
					frameHeaderComplete();
				}
			}
		}
	}

	private void frameHeaderComplete() {
		this.frameHeaderRead = 0;
		this.payloadLeft = ((this.frameHeader[0] & 0xffL) << 16) | ((this.frameHeader[1] & 0xffL) << 8)
				| (this.frameHeader[2] & 0xffL);
		this.type = this.frameHeader[3] & 0xff;
		if (this.type == HEADERS || this.type == PUSH_PROMISE || this.type == CONTINUATION) {
			this.headerBlockOpen = (this.frameHeader[4] & END_HEADERS) == 0;
		}
	}

	/**
	 * Return whether the bytes so far stopped inside the preface, a frame header, a frame other than DATA or a
	 * header block.
	 * @return {@code true} while the client owes the rest of something the request-header timeout bounds
	 */
	boolean midHeaders() {
		return (this.prefaceRead > 0 && this.prefaceRead < PREFACE.length) || this.frameHeaderRead > 0
				|| (this.payloadLeft > 0 && this.type != DATA) || this.headerBlockOpen;
	}

	/**
	 * Return whether the connection preface was received whole.
	 * @return {@code true} once the 24 bytes of the preface arrived
	 */
	boolean prefaceReceived() {
		return this.prefaceRead == PREFACE.length;
	}

	/**
	 * Return whether the first bytes differ from the HTTP/2 connection preface (the connection speaks HTTP/1.1).
	 * @return {@code true} once a byte differed
	 */
	boolean notPreface() {
		return this.notPreface;
	}

}
