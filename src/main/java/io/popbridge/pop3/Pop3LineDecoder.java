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
 * <p>A line longer than {@code maxLineLength} octets (line end excluded) yields
 * {@link Event#LINE_TOO_LONG} once and the rest of it is discarded. If no LF arrives within
 * {@link #DISCARD_LIMIT} discarded octets, {@link Event#INPUT_FLOOD} is emitted and the connection
 * is closed: a client that never ends a line is not a POP3 client.
 */
final class Pop3LineDecoder extends ByteToMessageDecoder {

    static final int DISCARD_LIMIT = 8 * 1024;

    /** What the decoder reports besides lines. */
    enum Event { LINE_TOO_LONG, INPUT_FLOOD }

    private enum State { READ_LINE, DISCARD, CLOSED }

    private final int maxLineLength;
    private State state = State.READ_LINE;
    private long discarded;

    Pop3LineDecoder(int maxLineLength) {
        if (maxLineLength < 1) {
            throw new IllegalArgumentException("maxLineLength must be positive: " + maxLineLength);
        }
        this.maxLineLength = maxLineLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        for (;;) {
            switch (state) {
                case READ_LINE:
                    if (!decodeLine(in, out)) {
                        return;
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
        int window = Math.min(in.readableBytes(), maxLineLength + 2);
        int lf = in.indexOf(start, start + window, (byte) '\n');
        if (lf < 0) {
            if (window < maxLineLength + 2) {
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
        if (length > maxLineLength) {
            out.add(Event.LINE_TOO_LONG);
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
        if (discarded > DISCARD_LIMIT) {
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
