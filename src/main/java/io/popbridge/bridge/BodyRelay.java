package io.popbridge.bridge;

import io.netty.buffer.ByteBuf;
import io.popbridge.imap.FetchBodyListener;
import io.popbridge.imap.ImapClient;
import io.popbridge.pop3.BodySink;

/**
 * Forwards a streamed FETCH body literal to a POP3 body sink, pausing the upstream connection while
 * the POP3 client cannot take more (so memory stays bounded by the write watermarks plus one read
 * buffer, whatever the message size).
 *
 * <p>{@link #begin()} of the sink is left to the caller's {@link #onStart} decision, so that TOP can
 * send one {@code +OK} for several fetches.
 */
class BodyRelay implements FetchBodyListener {

    private final ImapClient client;
    final BodySink sink;
    private boolean paused;
    boolean started;
    /** Octets of the current literal as announced, and as received. */
    long announced = -1;
    long received;

    BodyRelay(ImapClient client, BodySink sink) {
        this.client = client;
        this.sink = sink;
    }

    @Override
    public void bodyStart(long size) {
        announced = size;
        received = 0;
        if (size >= 0 && !started) {
            started = true;
            sink.begin();
        }
    }

    @Override
    public void bodyChunk(ByteBuf chunk) {
        received += chunk.readableBytes();
        chunk.forEachByte(this::countCrlf);
        forward(chunk);
    }

    /**
     * Octets RETR sends for what was received: the POP3 front end turns bare LF and bare CR into
     * CRLF and ends an unterminated last line, so the count that LIST must show is this one.
     */
    long crlfSize() {
        long size = received + bareLineEnds;
        if (lastByte == '\r') {
            size++; // a trailing bare CR becomes CRLF
        } else if (received > 0 && lastByte != '\n') {
            size += 2; // CRLF added to the last line
        }
        return size;
    }

    private long bareLineEnds;
    private byte lastByte;

    private boolean countCrlf(byte b) {
        if (b == '\n' ? lastByte != '\r' : lastByte == '\r') {
            bareLineEnds++;
        }
        lastByte = b;
        return true;
    }

    /** Passes (part of) a chunk on; takes ownership. */
    void forward(ByteBuf chunk) {
        if (!started) {
            chunk.release();
            return;
        }
        sink.write(chunk);
        if (!paused && !sink.isWritable()) {
            paused = true;
            client.setAutoRead(false);
            sink.whenWritable(() -> {
                paused = false;
                client.setAutoRead(true);
            });
        }
    }

    @Override
    public void bodyEnd() {
    }
}
