package io.popbridge.pop3;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Splits the client's input into command lines. Emits each line as a {@link String} decoded as
 * ISO-8859-1 (so every octet survives 1:1 and can be turned back into raw bytes), without its line
 * end. Lines end in CRLF; a bare LF is tolerated.
 *
 * <p>A line longer than {@code maxLineLength} octets (line end excluded) but within
 * {@code maxLongLineLength} is emitted as a {@link LongLine}: only AUTH and SASL responses may be
 * that long (RFC 5034), and the session decides. A longer line yields
 * {@link Event#LINE_TOO_LONG} once and the rest of it is discarded.
 *
 * <p>At most one line leaves per {@code decode} call, so that a command that changes how the
 * remaining input must be read (STLS) takes effect before the next line is decoded:
 * {@link #discardBuffered()} then drops everything still buffered. If no LF arrives within
 * {@link #DISCARD_LIMIT} discarded octets, {@link Event#INPUT_FLOOD} is emitted and the connection
 * is closed: a client that never ends a line is not a POP3 client.
 */
final class Pop3LineDecoder extends ByteToMessageDecoder {

    static final int DISCARD_LIMIT = 8 * 1024;

    /** What the decoder reports besides lines. */
    enum Event { LINE_TOO_LONG, INPUT_FLOOD }

    /** A line longer than the command limit but within the AUTH limit. */
    record LongLine(String text) {
        @Override
        public String toString() {
            return "LongLine[" + text.length() + " octets]";
        }
    }

    private enum State { READ_LINE, DISCARD, CLOSED }

    private final int maxLineLength;
    private final int maxLongLineLength;
    private final long floodLimit;
    private State state = State.READ_LINE;
    private long discarded;

    Pop3LineDecoder(int maxLineLength) {
        this(maxLineLength, maxLineLength);
    }

    Pop3LineDecoder(int maxLineLength, int maxLongLineLength) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
        }
        if (maxLongLineLength < maxLineLength) {
            throw new IllegalArgumentException("maxLongLineLength must be at least maxLineLength: " + maxLongLineLength);
        }
        this.maxLineLength = maxLineLength;
        this.maxLongLineLength = maxLongLineLength;
        // the discard allowance starts after the longest line this decoder reads whole
        this.floodLimit = maxLongLineLength > maxLineLength ? maxLongLineLength + 2L + DISCARD_LIMIT : DISCARD_LIMIT;
    }

    /**
     * Drops every octet read but not yet decoded, and any over-long line being skipped: after STLS
     * nothing the client sent in plaintext may be read as a command.
     */
    void discardBuffered() {
        ByteBuf buffered = internalBuffer();
        buffered.skipBytes(buffered.readableBytes());
        if (state == State.DISCARD) {
            state = State.READ_LINE;
            discarded = 0;
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (;;) {
            switch (state) {
                case READ_LINE:
                    if (!decodeLine(in, out)) {
                        return;
                    }
                    if (state == State.READ_LINE) {
                        return; // one line per call: see the class comment
                    }
                    break;
                case DISCARD:
                    if (!decodeDiscard(ctx, in, out)) {
                        return;
                    }
                    break;
                case CLOSED:
                    in.skipBytes(in.readableBytes());
                    return;
                default:
                    throw new IllegalStateException(state.name());
            }
        }
    }

    private boolean decodeLine(ByteBuf in, List<Object> out) {
        int start = in.readerIndex();
        // content, an optional CR and the LF: anything longer without LF is too long already
        int window = Math.min(in.readableBytes(), maxLongLineLength + 2);
        int lf = in.indexOf(start, start + window, (byte) '\n');
        if (lf < 0) {
            if (window < maxLongLineLength + 2) {
                return false;
            }
            out.add(Event.LINE_TOO_LONG);
            discarded = window;
            in.skipBytes(window);
            state = State.DISCARD;
            return true;
        }
        int end = lf > start && in.getByte(lf - 1) == '\r' ? lf - 1 : lf;
        int length = end - start;
        if (length > maxLongLineLength) {
            out.add(Event.LINE_TOO_LONG);
        } else if (length > maxLineLength) {
            out.add(new LongLine(in.toString(start, length, StandardCharsets.ISO_8859_1)));
        } else {
            out.add(in.toString(start, length, StandardCharsets.ISO_8859_1));
        }
        in.readerIndex(lf + 1);
        return true;
    }

    private boolean decodeDiscard(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
        int skip = lf >= 0 ? lf - in.readerIndex() : in.readableBytes();
        discarded += skip;
        in.skipBytes(skip);
        // checked before honouring the LF so that the outcome does not depend on how input is split
        if (discarded > floodLimit) {
            in.skipBytes(in.readableBytes());
            state = State.CLOSED;
            out.add(Event.INPUT_FLOOD);
            // after the lines decoded so far and the event have been passed on
            ctx.executor().execute(ctx::close);
            return false;
        }
        if (lf < 0) {
            return false;
        }
        in.skipBytes(1);
        discarded = 0;
        state = State.READ_LINE;
        return true;
    }
}
