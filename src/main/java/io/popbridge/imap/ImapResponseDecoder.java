package io.popbridge.imap;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.popbridge.imap.ImapResponse.BodyChunk;
import io.popbridge.imap.ImapResponse.ProtocolError;
import io.popbridge.imap.ImapResponse.Tagged;
import java.util.List;

/**
 * Decodes server responses into {@link ImapResponse} events. Framing happens here (line ends and
 * trailing {@code {n}} / {@code ~{n}} literal markers), grammar in {@link ResponseParser}. Body
 * literals of FETCH leave as retained slices of the input, so at most one line plus one read
 * buffer is ever held. Over-limit or malformed input yields one {@link ProtocolError}; everything
 * after it is discarded.
 *
 * <p>Decoding pauses after each tagged response, so a handler can still see (via
 * {@link #bufferedBytes()}) whether more bytes followed it, as STARTTLS requires.
 */
final class ImapResponseDecoder extends ByteToMessageDecoder {

    private enum State {
        LINE, LITERAL, BODY, FAILED
    }

    private final int maxLineLength;
    private final long maxLiteralSize;
    private final ResponseParser parser;
    private State state = State.LINE;
    private long remaining;
    private int scanned;

    ImapResponseDecoder(int maxLineLength, long maxLiteralSize) {
        this.maxLineLength = maxLineLength;
        this.maxLiteralSize = maxLiteralSize;
        this.parser = new ResponseParser(Math.min(maxLineLength, maxLiteralSize));
    }

    /** Octets received but not decoded yet. */
    int bufferedBytes() {
        return actualReadableBytes();
    }

    /** Stops decoding for good; whatever arrives later is discarded. */
    void discard() {
        state = State.FAILED;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            for (;;) {
                switch (state) {
                    case LINE:
                        if (!decodeLine(in, out)) {
                            return;
                        }
                        break;
                    case LITERAL:
                        if (!decodeLiteral(in, out)) {
                            return;
                        }
                        break;
                    case BODY:
                        if (!decodeBody(in, out)) {
                            return;
                        }
                        break;
                    case FAILED:
                        in.skipBytes(in.readableBytes());
                        return;
                    default:
                        throw new IllegalStateException(state.name());
                }
            }
        } catch (ProtocolViolation e) {
            out.add(new ProtocolError(e.getMessage()));
            state = State.FAILED;
            in.skipBytes(in.readableBytes());
        }
    }

    private boolean decodeLine(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        int limit = maxLineLength + 2;
        int searchEnd = (int) Math.min(in.writerIndex(), (long) start + limit);
        int lf = in.indexOf(start + scanned, searchEnd, (byte) '\n');
        if (lf < 0) {
            if (in.readableBytes() >= limit) {
                throw new ProtocolViolation("response line of at least " + in.readableBytes()
                        + " octets exceeds maxLineLength " + maxLineLength);
            }
            scanned = searchEnd - start;
            return false;
        }
        scanned = 0;
        int lineEnd = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        if (lineEnd - start > maxLineLength) {
            throw new ProtocolViolation("response line of " + (lineEnd - start)
                    + " octets exceeds maxLineLength " + maxLineLength);
        }
        byte[] line = new byte[lineEnd - start];
        in.getBytes(start, line);
        in.readerIndex(lf + 1);

        int markerStart = line.length;
        long size = -1;
        if (parser.inResponse() || !isTextResponse(line)) {
            markerStart = markerStart(line);
            if (markerStart < line.length) {
                size = literalSize(line, markerStart);
            }
        }
        switch (parser.segment(line, markerStart, size, out)) {
            case AGGREGATE:
                remaining = size;
                state = State.LITERAL;
                return true;
            case BODY:
                remaining = size;
                state = State.BODY;
                return true;
            default:
                // pause after a tagged response (see class comment)
                return out.isEmpty() || !(out.get(out.size() - 1) instanceof Tagged);
        }
    }

    private boolean decodeLiteral(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < remaining) {
            return false;
        }
        byte[] content = new byte[(int) remaining];
        in.readBytes(content);
        parser.literal(content, out);
        state = State.LINE;
        return true;
    }

    private boolean decodeBody(ByteBuf in, List<Object> out) {
        if (remaining > 0) {
            if (!in.isReadable()) {
                return false;
            }
            int n = (int) Math.min(in.readableBytes(), remaining);
            out.add(new BodyChunk(in.readRetainedSlice(n)));
            remaining -= n;
        }
        if (remaining == 0) {
            parser.bodyEnd(out);
            state = State.LINE;
        }
        return true;
    }

    /** Continuation and status responses are one line whatever their text ends with. */
    private static boolean isTextResponse(byte[] line) {
        if (line.length > 0 && line[0] == '+') {
            return true;
        }
        int sp = indexOf(line, 0);
        if (sp < 0) {
            return false;
        }
        int sp2 = indexOf(line, sp + 1);
        String word = new String(line, sp + 1, (sp2 < 0 ? line.length : sp2) - sp - 1,
                java.nio.charset.StandardCharsets.US_ASCII).toUpperCase(java.util.Locale.ROOT);
        boolean untagged = sp == 1 && line[0] == '*';
        return word.equals("OK") || word.equals("NO") || word.equals("BAD")
                || (untagged && (word.equals("BYE") || word.equals("PREAUTH")));
    }

    private static int indexOf(byte[] line, int from) {
        for (int i = from; i < line.length; i++) {
            if (line[i] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /** Where a trailing literal marker {@code {n}}, {@code {n+}} or {@code ~{n}} starts, else the length. */
    private static int markerStart(byte[] line) {
        int n = line.length;
        if (n == 0 || line[n - 1] != '}') {
            return n;
        }
        for (int i = n - 2; i >= 0; i--) {
            if (line[i] == '{') {
                return i > 0 && line[i - 1] == '~' ? i - 1 : i;
            }
            if (line[i] == ' ' || line[i] == '"' || line[i] == ')' || line[i] == '(') {
                return n; // an atom that merely ends with '}'
            }
        }
        return n;
    }

    private long literalSize(byte[] line, int markerStart) {
        int from = line[markerStart] == '~' ? markerStart + 2 : markerStart + 1;
        int to = line.length - 1;
        if (to > from && line[to - 1] == '+') {
            to--;
        }
        String digits = new String(line, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
        if (digits.isEmpty() || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new ProtocolViolation("invalid literal length");
        }
        if (digits.length() > 19) {
            throw new ProtocolViolation("literal length of " + digits.length()
                    + " digits exceeds maxLiteralSize " + maxLiteralSize);
        }
        long size = Long.parseLong(digits);
        if (size > maxLiteralSize) {
            throw new ProtocolViolation("literal of " + size + " octets exceeds maxLiteralSize " + maxLiteralSize);
        }
        return size;
    }
}
