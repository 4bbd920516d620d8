package io.popbridge.load;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one POP3 multi-line response body (after its status line) from a stream, undoing
 * dot-stuffing on the fly and counting the octets the client would store (every line with its
 * CRLF, without the stuffing dots and without the terminating {@code .CRLF}), without keeping the
 * body. Also counts the lines, so a UIDL or LIST listing can be sized without being parsed.
 *
 * <p>Line ends are what the server sent: a bare LF ends a line too (and is counted as one octet,
 * as a client storing the bytes would), but is recorded in {@link #bareLineFeeds()} since RFC 1939
 * requires CRLF.
 */
public final class MultiLineReader {

    private static final int LINE_START = 0;
    private static final int MID_LINE = 1;
    private static final int DOT_AT_START = 2;
    private static final int DOT_CR = 3;
    private static final int DONE = 4;

    private int state = LINE_START;
    private boolean previousCr;
    private long octets;
    private long lines;
    private long bareLineFeeds;

    /** Reads until the terminator; returns the unstuffed octet count. */
    public long readBody(InputStream in) throws IOException {
        reset();
        while (state != DONE) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException("connection closed inside a multi-line response after " + octets + " octets");
            }
            accept(b);
        }
        return octets;
    }

    /** Feeds bytes of a body; returns how many were consumed (fewer than {@code length} once done). */
    public int feed(byte[] bytes, int offset, int length) {
        int i = 0;
        int end = offset + length;
        while (i < length && state != DONE) {
            if (state == MID_LINE) {
                // inside a line only LF matters: skip to it in a tight loop instead of a state step per octet
                int from = offset + i;
                int lf = from;
                while (lf < end && bytes[lf] != '\n') {
                    lf++;
                }
                if (lf > from) {
                    octets += lf - from;
                    previousCr = bytes[lf - 1] == '\r';
                }
                if (lf == end) {
                    return length;
                }
                content('\n');
                i = lf - offset + 1;
                continue;
            }
            accept(bytes[offset + i] & 0xff);
            i++;
        }
        return i;
    }

    public void reset() {
        state = LINE_START;
        previousCr = false;
        octets = 0;
        lines = 0;
        bareLineFeeds = 0;
    }

    public boolean done() {
        return state == DONE;
    }

    public long octets() {
        return octets;
    }

    public long lines() {
        return lines;
    }

    public long bareLineFeeds() {
        return bareLineFeeds;
    }

    private void accept(int b) {
        switch (state) {
            case LINE_START -> {
                if (b == '.') {
                    state = DOT_AT_START; // either the terminator or a stuffed dot: decided by the next byte
                } else {
                    content(b);
                }
            }
            case DOT_AT_START -> {
                if (b == '\r') {
                    state = DOT_CR;
                } else if (b == '\n') { // ".LF": a terminator with a bare LF
                    bareLineFeeds++;
                    state = DONE;
                } else {
                    content(b); // the first dot was stuffing; this byte is content
                }
            }
            case DOT_CR -> {
                if (b == '\n') {
                    state = DONE;
                } else { // ".CR" then more: the dot was stuffing, the CR is content
                    content('\r');
                    content(b);
                }
            }
            case MID_LINE -> content(b);
            default -> throw new IllegalStateException("body already complete");
        }
    }

    private void content(int b) {
        octets++;
        if (b == '\n') {
            if (!previousCr) {
                bareLineFeeds++;
            }
            lines++;
            state = LINE_START;
        } else {
            state = MID_LINE;
        }
        previousCr = b == '\r';
    }
}
