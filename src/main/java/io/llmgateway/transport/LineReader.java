package io.llmgateway.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Splits a byte stream into '\n'-terminated lines with a length limit. An over-long line is consumed
 * up to its newline and reported as {@link Line#tooLong()} without buffering it, so one huge message
 * costs no memory and does not end the session.
 */
final class LineReader {
    record Line(byte[] bytes, boolean tooLong) {}

    private final InputStream in;
    private final int maxLineBytes;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;

    LineReader(InputStream in, int maxLineBytes) {
        this.in = in;
        this.maxLineBytes = maxLineBytes;
    }

    /** The next line without its terminator, or null at end of stream (a final unterminated line counts). */
    Line next() throws IOException {
        ByteArrayOutputStream current = new ByteArrayOutputStream();
        boolean tooLong = false;
        boolean sawAnything = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return sawAnything ? new Line(tooLong ? null : current.toByteArray(), tooLong) : null;
                }
            }
            sawAnything = true;
            int newline = indexOf(buffer, position, limit, (byte) '\n');
            int end = newline < 0 ? limit : newline;
            if (!tooLong) {
                if (current.size() + (end - position) > maxLineBytes) {
                    tooLong = true;
                    current = new ByteArrayOutputStream();
                } else {
                    current.write(buffer, position, end - position);
                }
            }
            if (newline >= 0) {
                position = newline + 1;
                return new Line(tooLong ? null : current.toByteArray(), tooLong);
            }
            position = limit;
        }
    }

    private static int indexOf(byte[] bytes, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        return -1;
    }
}
