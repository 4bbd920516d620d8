package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.popbridge.imap.ImapClient;
import io.popbridge.pop3.BodySink;

/**
 * Streams the body part of a TOP reply: passes body octets on until {@code lines} line ends have
 * gone through, then drops the rest of the window. Windows are fetched with partial
 * {@code BODY.PEEK[TEXT]<offset.length>} requests, so a TOP of a large message downloads about
 * what it sends.
 */
final class TopRelay extends BodyRelay {

    private long linesLeft;

    TopRelay(ImapClient client, BodySink sink, long lines) {
        super(client, sink);
        this.linesLeft = lines;
        this.started = true; // the header fetch already sent +OK
    }

    @Override
    public void bodyStart(long size) {
        announced = size;
        received = 0;
    }

    @Override
    public void bodyChunk(ByteBuf chunk) {
        received += chunk.readableBytes();
        if (linesLeft <= 0) {
            chunk.release();
            return;
        }
        int from = chunk.readerIndex();
        int lastLf = chunk.forEachByte(b -> b != '\n' || --linesLeft > 0);
        int cut = lastLf < 0 ? -1 : lastLf + 1;
        if (cut >= 0) {
            ByteBuf part = chunk.retainedSlice(from, cut - from);
            chunk.release();
            forward(part);
        } else {
            forward(chunk);
        }
    }

    boolean satisfied() {
        return linesLeft <= 0;
    }
}
