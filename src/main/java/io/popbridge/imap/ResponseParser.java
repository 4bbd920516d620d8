package io.popbridge.imap;

import io.netty.buffer.Unpooled;
import io.popbridge.imap.ImapResponse.BodyChunk;
import io.popbridge.imap.ImapResponse.BodyEnd;
import io.popbridge.imap.ImapResponse.BodyStart;
import io.popbridge.imap.ImapResponse.Continuation;
import io.popbridge.imap.ImapResponse.FetchAttribute;
import io.popbridge.imap.ImapResponse.FetchEnd;
import io.popbridge.imap.ImapResponse.FetchStart;
import io.popbridge.imap.ImapResponse.ResponseCode;
import io.popbridge.imap.ImapResponse.Status;
import io.popbridge.imap.ImapResponse.Tagged;
import io.popbridge.imap.ImapResponse.Untagged;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the grammar of one response, segment by segment (a segment is the text of a line up to
 * its CRLF or literal marker; {@link ImapResponseDecoder} does the framing). Keeps the list nesting
 * and the pending FETCH attribute name across segments, so a FETCH is emitted as it arrives.
 */
final class ResponseParser {

    /** What the decoder has to do after a segment. */
    enum Next {
        /** The response is complete. */
        DONE,
        /** A literal follows that the parser wants whole, via {@link #literal}. */
        AGGREGATE,
        /** A body literal follows: stream it, then call {@link #bodyEnd}. */
        BODY
    }

    private enum Mode {
        IDLE, GENERIC, FETCH, FETCH_CLOSED
    }

    private final long maxAggregatedLiteral;
    private Mode mode = Mode.IDLE;
    private final ArrayDeque<List<ImapValue>> stack = new ArrayDeque<>();
    private List<ImapValue> values = new ArrayList<>();
    private long number;
    private String keyword;
    private String pendingName;

    ResponseParser(long maxAggregatedLiteral) {
        this.maxAggregatedLiteral = maxAggregatedLiteral;
    }

    boolean inResponse() {
        return mode != Mode.IDLE;
    }

    /**
     * Parses {@code line[0, end)}; when {@code literalSize >= 0} the line ended with a literal
     * marker starting at {@code markerStart} (status and continuation responses treat it as text).
     */
    Next segment(byte[] line, int markerStart, long literalSize, List<Object> out) {
        int end = literalSize >= 0 ? markerStart : line.length;
        if (mode == Mode.IDLE) {
            int pos = first(line, out);
            if (mode == Mode.IDLE) {
                return Next.DONE; // status or continuation: a whole line
            }
            tokens(line, pos, end, out);
        } else {
            tokens(line, 0, end, out);
        }
        if (literalSize >= 0) {
            if (mode == Mode.FETCH && stack.isEmpty() && pendingName != null && isBody(pendingName)) {
                out.add(bodyStart(pendingName, literalSize));
                return Next.BODY;
            }
            if (mode == Mode.FETCH_CLOSED) {
                throw new ProtocolViolation("literal after the end of a FETCH response");
            }
            if (literalSize > maxAggregatedLiteral) {
                throw new ProtocolViolation("non-body literal of " + literalSize
                        + " octets exceeds the maximum of " + maxAggregatedLiteral);
            }
            return Next.AGGREGATE;
        }
        finish(out);
        return Next.DONE;
    }

    void literal(byte[] content, List<Object> out) {
        add(new ImapValue.Str(content), out);
    }

    void bodyEnd(List<Object> out) {
        out.add(BodyEnd.INSTANCE);
        pendingName = null;
    }

    void reset() {
        mode = Mode.IDLE;
        stack.clear();
        values = new ArrayList<>();
        keyword = null;
        pendingName = null;
    }

    private void finish(List<Object> out) {
        if (mode == Mode.FETCH) {
            throw new ProtocolViolation("FETCH response ends inside its attribute list");
        }
        if (!stack.isEmpty()) {
            throw new ProtocolViolation("unbalanced parenthesis in " + keyword + " response");
        }
        if (mode == Mode.FETCH_CLOSED) {
            out.add(FetchEnd.INSTANCE);
        } else {
            out.add(new Untagged(number, keyword, values, null, null));
        }
        reset();
    }

    /** Parses the start of a response; returns where the generic values begin. */
    private int first(byte[] b, List<Object> out) {
        ResponseCursor c = new ResponseCursor(b);
        if (c.peek() == '+') {
            c.pos++;
            c.skipSpace();
            out.add(new Continuation(c.rest()));
            return b.length;
        }
        String tag = c.word();
        if (tag.isEmpty()) {
            throw new ProtocolViolation("response does not start with a tag, '*' or '+'");
        }
        c.expectSpace();
        if (!tag.equals("*")) {
            Status status = status(c.word());
            if (status == null || status == Status.BYE || status == Status.PREAUTH) {
                throw new ProtocolViolation("tagged response with an invalid status");
            }
            c.skipSpace();
            ResponseCode code = code(c);
            out.add(new Tagged(tag, status, code, c.rest()));
            return b.length;
        }
        String word = c.word();
        number = -1;
        if (!word.isEmpty() && Character.isDigit(word.charAt(0))) {
            number = parseNumber(word);
            c.expectSpace();
            word = c.word();
        }
        keyword = word.toUpperCase(Locale.ROOT);
        if (keyword.isEmpty()) {
            throw new ProtocolViolation("untagged response without a keyword");
        }
        Status status = number < 0 ? status(keyword) : null;
        if (status != null) {
            c.skipSpace();
            ResponseCode code = code(c);
            out.add(new Untagged(-1, keyword, List.of(), code, c.rest()));
            keyword = null;
            return b.length;
        }
        if (keyword.equals("FETCH")) {
            if (number < 0) {
                throw new ProtocolViolation("FETCH without a message number");
            }
            c.skipSpace();
            if (c.peek() != '(') {
                throw new ProtocolViolation("FETCH without an attribute list");
            }
            c.pos++;
            mode = Mode.FETCH;
            out.add(new FetchStart(number));
        } else {
            mode = Mode.GENERIC;
        }
        return c.pos;
    }

    private void tokens(byte[] b, int from, int end, List<Object> out) {
        ResponseCursor c = new ResponseCursor(b, from, end);
        while (c.pos < end) {
            byte ch = b[c.pos];
            if (ch == ' ') {
                c.pos++;
            } else if (mode == Mode.FETCH_CLOSED) {
                throw new ProtocolViolation("data after the end of a FETCH response");
            } else if (ch == '(') {
                c.pos++;
                stack.push(new ArrayList<>());
            } else if (ch == ')') {
                c.pos++;
                if (stack.isEmpty()) {
                    if (mode != Mode.FETCH || pendingName != null) {
                        throw new ProtocolViolation("unbalanced ')'");
                    }
                    mode = Mode.FETCH_CLOSED;
                } else {
                    List<ImapValue> items = stack.pop();
                    add(new ImapValue.ListValue(items), out);
                }
            } else if (ch == '"') {
                add(new ImapValue.Str(c.quoted()), out);
            } else {
                String atom = c.atom(false);
                if (atom.isEmpty()) {
                    throw new ProtocolViolation("unexpected character 0x" + Integer.toHexString(ch & 0xff));
                }
                add(atom.equalsIgnoreCase("NIL") ? ImapValue.Nil.NIL : new ImapValue.Atom(atom), out);
            }
        }
    }

    private void add(ImapValue v, List<Object> out) {
        if (!stack.isEmpty()) {
            stack.peek().add(v);
        } else if (mode == Mode.GENERIC) {
            values.add(v);
        } else if (pendingName == null) {
            if (!(v instanceof ImapValue.Atom a)) {
                throw new ProtocolViolation("FETCH attribute name expected");
            }
            pendingName = a.text().toUpperCase(Locale.ROOT);
        } else if (isBody(pendingName)) {
            if (v instanceof ImapValue.Str s) {
                out.add(bodyStart(pendingName, s.bytes().length));
                out.add(new BodyChunk(Unpooled.wrappedBuffer(s.bytes())));
            } else if (v == ImapValue.Nil.NIL) {
                out.add(bodyStart(pendingName, -1));
            } else {
                throw new ProtocolViolation(pendingName + " is not a string or NIL");
            }
            bodyEnd(out);
        } else {
            out.add(new FetchAttribute(pendingName, v));
            pendingName = null;
        }
    }

    private static boolean isBody(String name) {
        return name.startsWith("BODY[") || name.startsWith("BINARY[") || name.equals("RFC822")
                || name.equals("RFC822.HEADER") || name.equals("RFC822.TEXT");
    }

    private static BodyStart bodyStart(String name, long size) {
        int open = name.indexOf('[');
        int close = name.lastIndexOf(']');
        if (open < 0 || close < open) {
            return new BodyStart(name, null, -1, size);
        }
        long origin = -1;
        if (close + 1 < name.length()) {
            if (name.charAt(close + 1) != '<' || !name.endsWith(">")) {
                throw new ProtocolViolation("malformed partial origin in " + name);
            }
            origin = parseNumber(name.substring(close + 2, name.length() - 1));
        }
        return new BodyStart(name, name.substring(open + 1, close), origin, size);
    }

    private static final Status[] STATUSES = Status.values();

    /** The status {@code word} names (any case), or null: no exception for the common non-status word. */
    private static Status status(String word) {
        for (Status s : STATUSES) {
            if (s.name().equalsIgnoreCase(word)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A response code; one that does not parse is kept as its atom with the raw rest as a single
     * argument (or, without a closing ']', left as text), since servers put free text in codes.
     */
    private static ResponseCode code(ResponseCursor c) {
        if (c.peek() != '[') {
            return null;
        }
        int open = c.pos;
        try {
            return strictCode(c);
        } catch (ProtocolViolation e) {
            int close = open;
            while (close < c.end && c.b[close] != ']') {
                close++;
            }
            if (close == c.end || close == open + 1) {
                c.pos = open;
                return null;
            }
            String raw = new String(c.b, open + 1, close - open - 1, StandardCharsets.UTF_8);
            int sp = raw.indexOf(' ');
            c.pos = close + 1;
            c.skipSpace();
            return new ResponseCode((sp < 0 ? raw : raw.substring(0, sp)).toUpperCase(Locale.ROOT),
                    sp < 0 ? List.of() : List.of(new ImapValue.Atom(raw.substring(sp + 1))));
        }
    }

    private static ResponseCode strictCode(ResponseCursor c) {
        c.pos++;
        String atom = c.atom(true).toUpperCase(Locale.ROOT);
        if (atom.isEmpty()) {
            throw new ProtocolViolation("empty response code");
        }
        List<ImapValue> args = new ArrayList<>();
        ArrayDeque<List<ImapValue>> lists = new ArrayDeque<>();
        for (;;) {
            if (c.pos >= c.end) {
                throw new ProtocolViolation("response code without ']'");
            }
            byte ch = c.b[c.pos];
            List<ImapValue> target = lists.isEmpty() ? args : lists.peek();
            if (ch == ']' && lists.isEmpty()) {
                c.pos++;
                c.skipSpace();
                return new ResponseCode(atom, args);
            } else if (ch == ' ') {
                c.pos++;
            } else if (ch == '(') {
                c.pos++;
                lists.push(new ArrayList<>());
            } else if (ch == ')' && !lists.isEmpty()) {
                c.pos++;
                List<ImapValue> done = lists.pop();
                (lists.isEmpty() ? args : lists.peek()).add(new ImapValue.ListValue(done));
            } else if (ch == '"') {
                target.add(new ImapValue.Str(c.quoted()));
            } else {
                String a = c.atom(true);
                if (a.isEmpty()) {
                    throw new ProtocolViolation("malformed response code " + atom);
                }
                target.add(a.equalsIgnoreCase("NIL") ? ImapValue.Nil.NIL : new ImapValue.Atom(a));
            }
        }
    }

    /** A non-negative number of at most 19 digits. */
    static long parseNumber(String s) {
        if (s.isEmpty() || s.length() > 19) {
            throw new ProtocolViolation("invalid number");
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                throw new ProtocolViolation("invalid number");
            }
            n = n * 10 + (ch - '0');
        }
        if (n < 0) {
            throw new ProtocolViolation("number out of range");
        }
        return n;
    }
}
