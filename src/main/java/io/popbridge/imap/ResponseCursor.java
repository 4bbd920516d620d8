package io.popbridge.imap;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A position in a segment. */
final class ResponseCursor {
    final byte[] b;
    final int end;
    int pos;

    ResponseCursor(byte[] b) {
        this(b, 0, b.length);
    }

    ResponseCursor(byte[] b, int pos, int end) {
        this.b = b;
        this.pos = pos;
        this.end = end;
    }

    int peek() {
        return pos < end ? b[pos] : -1;
    }

    void skipSpace() {
        if (pos < end && b[pos] == ' ') {
            pos++;
        }
    }

    void expectSpace() {
        if (peek() != ' ') {
            throw new ProtocolViolation("space expected");
        }
        pos++;
    }

    /** Up to the next space or the end. */
    String word() {
        int start = pos;
        while (pos < end && b[pos] != ' ') {
            pos++;
        }
        return new String(b, start, pos - start, StandardCharsets.UTF_8);
    }

    String rest() {
        String s = new String(b, pos, end - pos, StandardCharsets.UTF_8);
        pos = end;
        return s;
    }

    /** An atom; a '[' opens a section that runs to its ']' (spaces and parens included). */
    String atom(boolean inCode) {
        int start = pos;
        while (pos < end) {
            byte ch = b[pos];
            if (ch == ' ' || ch == '(' || ch == ')' || ch == '"' || ch == '{' || (ch == ']' && inCode)) {
                break;
            }
            if ((ch & 0xff) < 0x20 || ch == 0x7f) {
                throw new ProtocolViolation("control character in atom");
            }
            if (ch == '[' && !inCode) {
                pos = sectionEnd(pos);
            }
            pos++;
        }
        return new String(b, start, pos - start, StandardCharsets.UTF_8);
    }

    private int sectionEnd(int open) {
        boolean quoted = false;
        for (int i = open + 1; i < end; i++) {
            byte ch = b[i];
            if (quoted && ch == '\\') {
                i++;
            } else if (ch == '"') {
                quoted = !quoted;
            } else if (ch == ']' && !quoted) {
                return i;
            }
        }
        throw new ProtocolViolation("section without ']'");
    }

    byte[] quoted() {
        pos++;
        byte[] buf = new byte[end - pos];
        int n = 0;
        while (pos < end) {
            byte ch = b[pos++];
            if (ch == '"') {
                return Arrays.copyOf(buf, n);
            }
            if (ch == '\\') {
                if (pos >= end) {
                    break;
                }
                ch = b[pos++];
            }
            buf[n++] = ch;
        }
        throw new ProtocolViolation("unterminated quoted string");
    }
}
